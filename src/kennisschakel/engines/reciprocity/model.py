"""Reciprocity data types and their validation: flows, activities, balances.

Plain Python, no numpy: the object model and the counting rules it must satisfy (see
the package docstring) are shared by the row-by-row path (:mod:`.pure`) and the
columnar path (:mod:`.columnar`).
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

GAVE = "gave"
RECEIVED = "received"
MUTUAL = "mutual"

#: Direction -> integer code used by the columnar path.
DIRECTION_CODES: dict[str, int] = {GAVE: 0, RECEIVED: 1, MUTUAL: 2}
#: Direction -> (share given, share received) of one activity and of the party's hours.
DIRECTION_SHARES: dict[str, tuple[float, float]] = {
    GAVE: (1.0, 0.0),
    RECEIVED: (0.0, 1.0),
    MUTUAL: (0.5, 0.5),
}


@dataclass(frozen=True)
class Flow:
    """One party's part in one activity."""

    party: str
    direction: str  # "gave" | "received" | "mutual"
    hours: float = 0.0  # hours this party spent (>= 0)


@dataclass(frozen=True)
class Activity:
    id: int
    start: datetime.date
    end: datetime.date | None
    flows: tuple[Flow, ...]  # one per participating party (2 or more parties)

    @property
    def parties(self) -> frozenset[str]:
        return frozenset(flow.party for flow in self.flows)


def reciprocity_index(given: float, received: float) -> float | None:
    """``(given - received) / (given + received)``; ``None`` when there is nothing."""
    total = given + received
    if total <= 0:
        return None
    return (given - received) / total


@dataclass(frozen=True)
class Balance:
    given_activities: float = 0.0
    received_activities: float = 0.0
    given_hours: float = 0.0
    received_hours: float = 0.0
    activity_count: int = 0  # distinct activities involved, each counted once

    @property
    def activity_index(self) -> float | None:
        return reciprocity_index(self.given_activities, self.received_activities)

    @property
    def hours_index(self) -> float | None:
        return reciprocity_index(self.given_hours, self.received_hours)

    @property
    def net_activities(self) -> float:
        return self.given_activities - self.received_activities

    @property
    def net_hours(self) -> float:
        return self.given_hours - self.received_hours

    def __add__(self, other: Balance) -> Balance:
        if not isinstance(other, Balance):
            return NotImplemented
        return Balance(
            self.given_activities + other.given_activities,
            self.received_activities + other.received_activities,
            self.given_hours + other.given_hours,
            self.received_hours + other.received_hours,
            self.activity_count + other.activity_count,
        )


EMPTY = Balance()


# --------------------------------------------------------------------------- validation


def validate_period(start: datetime.date | None, end: datetime.date | None) -> None:
    if start is not None and end is not None and end < start:
        raise ValueError(
            f"Period end {end.isoformat()} is before period start {start.isoformat()}."
        )


def validate_flow(flow: Flow, activity_id: object = None) -> None:
    where = f" in activity {activity_id}" if activity_id is not None else ""
    if flow.direction not in DIRECTION_SHARES:
        raise ValueError(
            f"Unknown direction {flow.direction!r} for party {flow.party}{where}; "
            f"expected one of: gave, received, mutual."
        )
    try:
        hours = float(flow.hours)  # also accepts Decimal (Django DecimalField) and numpy
    except (TypeError, ValueError):
        hours = math.nan
    if math.isnan(hours) or hours < 0:
        raise ValueError(
            f"Hours must be a number >= 0; got {flow.hours!r} for party {flow.party}{where}."
        )


def validate_activity(activity: Activity) -> None:
    """Raise ``ValueError`` when the activity cannot be counted (see module docstring)."""
    if activity.end is not None and activity.end < activity.start:
        raise ValueError(
            f"Activity {activity.id} ends ({activity.end.isoformat()}) "
            f"before it starts ({activity.start.isoformat()})."
        )
    flows = activity.flows
    if len(flows) < 2:
        raise ValueError(
            f"Activity {activity.id} has {len(flows)} participating part"
            f"{'y' if len(flows) == 1 else 'ies'}; an exchange needs at least 2."
        )
    parties = [flow.party for flow in flows]
    distinct = set(parties)
    if len(distinct) == 1:
        raise ValueError(
            f"Activity {activity.id}: all participants are the same party ({parties[0]}); "
            f"an exchange needs at least 2 different parties."
        )
    if len(distinct) != len(parties):
        duplicate = next(p for p in parties if parties.count(p) > 1)
        raise ValueError(
            f"Activity {activity.id}: party {duplicate} appears more than once; "
            f"merge its flows into one."
        )
    for flow in flows:
        validate_flow(flow, activity.id)


def check_activity(activity: Activity) -> None:
    """Fast path of :func:`validate_activity` for the hot loops (same outcome)."""
    flows = activity.flows
    end = activity.end
    try:
        ok = (end is None or end >= activity.start) and len(flows) >= 2
        if ok:
            for flow in flows:
                if flow.direction not in DIRECTION_SHARES or not flow.hours >= 0:
                    ok = False
                    break
        if ok:
            if len(flows) == 2:
                ok = flows[0].party != flows[1].party
            else:
                ok = len({flow.party for flow in flows}) == len(flows)
    except (TypeError, ArithmeticError):  # odd hours types: let the full check decide
        ok = False
    if not ok:
        validate_activity(activity)
