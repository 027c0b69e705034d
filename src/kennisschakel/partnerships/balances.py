"""Thin adapter: exchange activities from the database → the reciprocity engine.

Only activities with a date (or at least a year) count in a balance; the
engine decides what 'given' and 'received' mean (see
:mod:`kennisschakel.engines.reciprocity`).
"""

import datetime
from collections import defaultdict

from django.db import connection
from django.db.models import Count, Q, Sum

from kennisschakel.engines import reciprocity
from kennisschakel.partnerships.models import ActivitySide, ExchangeActivity, NetworkMembership
from kennisschakel.register.models import Country, ForeignPlace, Organisation


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


def _party_key(organisation_id, place_id, country_id) -> str:
    if organisation_id:
        return f"org:{organisation_id}"
    if place_id:
        return f"place:{place_id}"
    return f"country:{country_id}"


def activities_of(organisation_id: int):
    """All activities an organisation takes part in, as engine activities (two queries).

    Works on the sides alone: ``balance_date`` says when an activity counts (and is empty
    for undated or disputed ones), so the activity table is not joined. Plain tuples, not
    model instances, because a busy municipality has tens of thousands of sides.
    """
    own = ActivitySide.objects.filter(organisation_id=organisation_id)
    undated = (
        own.filter(balance_date__isnull=True)
        .exclude(activity__confirmation=ExchangeActivity.Confirmation.DISPUTED)
        .count()
    )
    rows = (
        ActivitySide.objects.filter(
            activity_id__in=own.filter(balance_date__isnull=False).values("activity_id")
        )
        .values_list(
            "activity_id", "organisation_id", "place_id", "country_id", "direction", "hours",
            "balance_date",
        )
        .order_by()
    )  # fmt: skip
    flows: dict[int, list] = defaultdict(list)
    starts: dict[int, datetime.date] = {}
    for activity_id, org_id, place_id, country_id, direction, hours, day in rows:
        flows[activity_id].append(
            reciprocity.Flow(_party_key(org_id, place_id, country_id), direction, float(hours or 0))
        )
        starts[activity_id] = day
    activities = [
        reciprocity.Activity(id=pk, start=starts[pk], end=None, flows=tuple(parts))
        for pk, parts in flows.items()
        if len(parts) >= 2
    ]
    return activities, undated


def organisation_summary(organisation_id: int, start=None, end=None) -> dict:
    """What a municipality page shows: its balance, per partner and per year.

    Two ``GROUP BY`` queries — the organisation's own sides per day and direction, and a
    self-join with the other sides of the same activities per partner — folded by
    :func:`reciprocity.balances_from_direction_totals`: the counting rules stay the
    engine's, but no side travels to Python one by one. ``organisation_summary_in_python``
    computes the same from the engine's activities; a test holds the two equal.
    """
    reciprocity.validate_period(start, end)
    own = ActivitySide.objects.filter(organisation_id=organisation_id, balance_date__isnull=False)
    if start is not None:
        own = own.filter(balance_date__gte=start)
    if end is not None:
        own = own.filter(balance_date__lte=end)
    key = f"org:{organisation_id}"
    # Per day and direction: the whole balance and the trend per year both fold from these.
    by_day = list(
        own.values_list("balance_date", "direction")
        .annotate(n=Count("id"), h=Sum("hours"))
        .order_by()
    )
    balance = reciprocity.balances_from_direction_totals(
        (key, direction, n, h) for _day, direction, n, h in by_day
    ).get(key, reciprocity.EMPTY)
    years = reciprocity.balances_from_direction_totals(
        (day.year, direction, n, h) for day, direction, n, h in by_day
    )
    trend = {}
    if years or (start is not None and end is not None):
        first = start.year if start is not None else min(years)
        last = end.year if end is not None else max(years)
        trend = {year: years.get(year, reciprocity.EMPTY) for year in range(first, last + 1)}
    partners = reciprocity.balances_from_direction_totals(
        (_party_key(org, place, country), direction, n, h)
        for org, place, country, direction, n, h in _partner_totals(organisation_id, start, end)
    )
    undated = (
        ActivitySide.objects.filter(organisation_id=organisation_id, balance_date__isnull=True)
        .exclude(activity__confirmation=ExchangeActivity.Confirmation.DISPUTED)
        .aggregate(n=Count("id"), from_sources=Count("id", filter=FROM_SOURCES))
    )
    return {
        "balance": balance,
        "partners": partners,
        "trend": trend,
        "undated": undated["n"],
        # Undated rows imported from the reports: the page says the source gives no year.
        "undated_from_sources": undated["from_sources"],
        **_pending(organisation_id, own),
    }


# Rows imported from the reports: nobody logged them (see partnerships/loaders.py).
FROM_SOURCES = Q(activity__logged_by__isnull=True, activity__logged_by_organisation__isnull=True)


def _pending(organisation_id: int, own_sides) -> dict:
    """Exchanges in a balance that the other side has not confirmed yet, so pages can mark
    them: their number, and per other party how many of the shared ones are pending.

    Two small queries: only the pending activities' sides are read (few, as the other
    side confirms them), never the whole balance again.
    """
    pending_ids = list(
        own_sides.filter(activity__confirmation=ExchangeActivity.Confirmation.PENDING)
        .values_list("activity_id", flat=True)
        .distinct()
    )
    per_party: dict[str, int] = defaultdict(int)
    others = (
        ActivitySide.objects.filter(activity_id__in=pending_ids)
        .exclude(organisation_id=organisation_id)
        .values_list("organisation_id", "place_id", "country_id")
    )
    for org, place, country in others if pending_ids else ():
        per_party[_party_key(org, place, country)] += 1
    return {"pending": len(pending_ids), "pending_partners": dict(per_party)}


class PartnerLabel(str):
    """A partner's name in a balance table, knowing how many of the exchanges with that
    partner still wait for the other side's confirmation (``{% if label.pending %}``)."""

    pending = 0
    count = 0

    @property
    def all_pending(self) -> bool:
        return bool(self.pending) and self.pending >= self.count


def partner_rows(shown, pending: dict[str, int]) -> list[tuple[PartnerLabel, reciprocity.Balance]]:
    """``(label, balance)`` per partner key, sorted by name, each label marked with its
    pending exchanges (two queries for the names at most, see :func:`party_labels`)."""
    labels = party_labels(key for key, _balance in shown)
    rows = []
    for key, balance in shown:
        label = PartnerLabel(labels.get(key, key))
        label.pending = pending.get(key, 0)
        label.count = balance.activity_count
        rows.append((label, balance))
    return sorted(rows, key=lambda row: str(row[0]))


def _partner_totals(organisation_id: int, start, end) -> list[tuple]:
    """Per other party and own direction: activities and own hours, in one self-join.

    Plain SQL because the ORM joins the sides through the activity table, which costs a
    third more on a busy municipality; the statement is portable (SQLite, PostgreSQL).
    """
    table = connection.ops.quote_name(ActivitySide._meta.db_table)
    period, params = "", [organisation_id]
    if start is not None:
        period += " AND own.balance_date >= %s"
        params.append(start)
    if end is not None:
        period += " AND own.balance_date <= %s"
        params.append(end)
    # Only the quoted table name and fixed conditions are formatted in; values are parameters.
    sql = (
        f"SELECT other.organisation_id, other.place_id, other.country_id, own.direction, "  # noqa: S608
        f"COUNT(*), SUM(own.hours) FROM {table} own "
        f"JOIN {table} other ON other.activity_id = own.activity_id AND other.id <> own.id "
        f"WHERE own.organisation_id = %s AND own.balance_date IS NOT NULL{period} "
        f"GROUP BY other.organisation_id, other.place_id, other.country_id, own.direction"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def organisation_summary_in_python(organisation_id: int, start=None, end=None) -> dict:
    """The same as :func:`organisation_summary`, through the engine's activity objects."""
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
    # Counted exchanges the other side has not confirmed yet, per party taking part.
    pending: dict[str, int] = defaultdict(int)
    for side in sides:
        day = activity_start(side.activity)
        if (
            side.activity.confirmation == ExchangeActivity.Confirmation.PENDING
            and day is not None
            and (start is None or day >= start)
            and (end is None or day <= end)
        ):
            pending[side.party_key] += 1
    return {
        "balances": {
            key: reciprocity.party_balance(activities, key, start, end) for key in parties
        },
        "undated": undated,
        "undated_from_sources": sum(
            1
            for activity in {side.activity for side in sides}
            if activity_start(activity) is None
            and activity.logged_by_id is None
            and activity.logged_by_organisation_id is None
        ),
        "pending": dict(pending),
    }


def pending_per_organisation(start=None, end=None) -> dict[int, int]:
    """Per organisation: its exchanges in the balance that wait for the other side's
    confirmation (the country-wide table marks them). One GROUP BY over the sides of
    pending activities only."""
    sides = ActivitySide.objects.filter(
        balance_date__isnull=False,
        organisation__isnull=False,
        activity__confirmation=ExchangeActivity.Confirmation.PENDING,
    )
    if start is not None:
        sides = sides.filter(balance_date__gte=start)
    if end is not None:
        sides = sides.filter(balance_date__lte=end)
    return dict(
        sides.values_list("organisation_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("organisation_id", "n")
    )


def party_labels(keys) -> dict[str, str]:
    """'org:12' / 'place:5' / 'country:3' → a readable name (three queries at most)."""
    ids: dict[str, list[int]] = defaultdict(list)
    for key in keys:
        kind, _sep, pk = key.partition(":")
        ids[kind].append(int(pk))
    labels = {}
    if ids["place"]:
        # As ForeignPlace.__str__, from plain values: a busy municipality has hundreds of
        # partner places, and building them as model instances took most of its page.
        rows = ForeignPlace.objects.filter(pk__in=ids["place"]).values_list(
            "pk", "name", "country__iso2"
        )
        labels.update({f"place:{pk}": f"{name} ({iso2})" for pk, name, iso2 in rows})
    for kind, model in (("org", Organisation), ("country", Country)):
        if ids[kind]:
            rows = model.objects.filter(pk__in=ids[kind])
            labels.update({f"{kind}:{row.pk}": str(row) for row in rows})
    return labels


def network_summary(network: Organisation, start=None, end=None) -> dict:
    """Per member: what it gave and received in exchanges with other members of the network."""
    member_ids = list(
        NetworkMembership.objects.filter(network=network).values_list("member_id", flat=True)
    )
    sides = (
        ActivitySide.objects.filter(
            activity__sides__organisation_id__in=member_ids, balance_date__isnull=False
        )
        .select_related("activity")
        .distinct()
    )
    activities, _undated = _activities_from_sides(sides)
    members = {f"org:{pk}" for pk in member_ids}
    return {"balances": reciprocity.network_balances(activities, members, start, end)}


def country_balances(start=None, end=None) -> dict[int, reciprocity.Balance]:
    """Every Dutch municipality's balance in one GROUP BY over activity sides.

    Uses the start date copied onto each side (``ActivitySide.balance_date``) and its
    covering index, so no join with the activity table is needed.
    """
    sides = ActivitySide.objects.filter(balance_date__isnull=False, organisation__isnull=False)
    if start is not None:
        sides = sides.filter(balance_date__gte=start)
    if end is not None:
        sides = sides.filter(balance_date__lte=end)
    rows = (
        sides.values_list("organisation_id", "direction")
        .annotate(n=Count("id"), hours=Sum("hours"))
        .order_by()
    )
    by_party = reciprocity.balances_from_direction_totals(
        (organisation_id, direction, n, hours) for organisation_id, direction, n, hours in rows
    )
    return by_party
