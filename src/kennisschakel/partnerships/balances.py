"""Thin adapter: exchange activities from the database → the reciprocity engine.

Only activities with a date (or at least a year) count in a balance; the
engine decides what 'given' and 'received' mean (see
:mod:`kennisschakel.reciprocity`).
"""

import datetime
from collections import defaultdict

from kennisschakel import reciprocity
from kennisschakel.partnerships.models import ActivitySide, ExchangeActivity


def activity_start(activity: ExchangeActivity) -> datetime.date | None:
    if activity.start_date:
        return activity.start_date
    if activity.year:
        return datetime.date(activity.year, 1, 1)
    return None


def _activities_from_sides(sides) -> tuple[list[reciprocity.Activity], int]:
    by_activity: dict[int, list] = defaultdict(list)
    meta = {}
    for side in sides:
        by_activity[side.activity_id].append(side)
        meta[side.activity_id] = side.activity
    activities, undated = [], 0
    for activity_id, rows in by_activity.items():
        start = activity_start(meta[activity_id])
        if start is None:
            undated += 1
            continue
        flows = tuple(
            reciprocity.Flow(party=s.party_key, direction=s.direction, hours=float(s.hours or 0))
            for s in rows
        )
        if len(flows) < 2:
            continue
        activities.append(
            reciprocity.Activity(
                id=activity_id, start=start, end=meta[activity_id].end_date, flows=flows
            )
        )
    return activities, undated


def activities_of(organisation_id: int):
    """All activities an organisation takes part in, as engine activities (two queries)."""
    sides = (
        ActivitySide.objects.filter(activity__sides__organisation_id=organisation_id)
        .exclude(activity__confirmation=ExchangeActivity.Confirmation.DISPUTED)
        .select_related("activity")
        .distinct()
    )
    return _activities_from_sides(sides)


def organisation_summary(organisation_id: int, start=None, end=None) -> dict:
    """What a municipality page shows: its balance, per partner and per year."""
    activities, undated = activities_of(organisation_id)
    key = f"org:{organisation_id}"
    return {
        "balance": reciprocity.party_balance(activities, key, start, end),
        "partners": reciprocity.partner_balances(activities, key, start, end),
        "trend": reciprocity.yearly_trend(activities, key, start, end),
        "undated": undated,
    }


def partnership_summary(partnership, start=None, end=None) -> dict:
    sides = (
        ActivitySide.objects.filter(activity__partnership=partnership)
        .exclude(activity__confirmation=ExchangeActivity.Confirmation.DISPUTED)
        .select_related("activity")
    )
    activities, undated = _activities_from_sides(sides)
    parties = [p.party_key for p in partnership.partners.all()]
    return {
        "balances": {
            key: reciprocity.party_balance(activities, key, start, end) for key in parties
        },
        "undated": undated,
    }
