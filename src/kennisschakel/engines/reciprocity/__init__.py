"""Reciprocity engine ("voor wat hoort wat"): who gave and who received, in hours and activities.

Plain Python (plus numpy for the columnar path); no Django imports. The Django layer
turns its rows into :class:`Activity` / :class:`Flow` values (or into columns) and
translates the ``ValueError`` messages raised here.

Data model
==========
An :class:`Activity` is one exchange (a visit, a workshop, an advice...) with a start
date, an optional end date and one :class:`Flow` per participating party. A party is an
opaque string: a CBS code such as ``"GM0153"`` or ``"place:123"`` for a foreign place.
A flow says how that party took part (``direction``) and how many hours *that party
itself* spent (``hours``). In a visit by A's delegation to B, A's hours are on A's flow
and B's hours on B's flow.

Counting rules
==============
*One activity is one record seen from every side, never counted twice.* Each party's
given/received for an activity come only from its own flow:

=============  ======================  ==========================================
direction      activities              hours
=============  ======================  ==========================================
``gave``       1 given                 all of the party's hours given
``received``   1 received              all of the party's hours received
``mutual``     1/2 given, 1/2 received  the party's hours split half / half
=============  ======================  ==========================================

``activity_count`` is the number of distinct activities the party took part in (so
``given_activities + received_activities == activity_count`` always holds for a party
balance). Directions of the different parties are *not* required to be complementary
(two parties may both have "gave" in a joint activity); consequently the sum of given
activities over all parties equals the sum of received ones only when every activity
has givers and receivers in equal number (e.g. two-party gave/received activities).

Period
------
An activity counts in a period when its **start date** lies within
``[start, end]``, both bounds inclusive; either bound may be ``None`` (open). The end
date of the activity plays no role in the selection (a multi-year project counts in
the year it started; it is therefore never split nor counted in two periods).

Scopes
------
* **Party balance** (:func:`party_balance`): every activity the party takes part in.
* **Pair balance** A<->B (:func:`pair_balance`, :func:`partner_balances`): only the
  activities in which both A and B take part, seen from A (A's own flows). In a
  multi-party activity A's flow counts fully in *each* of its pairs, so pair balances of
  one party over its partners do not add up to its party balance when multi-party
  activities exist.
* **Network balance** (:func:`network_balances`) for a set of member parties: only the
  activities in which **at least two distinct members** take part; flows of non-members
  in those activities are ignored; each member's balance comes from its own flows.
  Every member is present in the result (an empty balance when it has no such activity).
* **Yearly trend** (:func:`yearly_trend`): the party balance grouped by the calendar year
  of the start date. Years without activities between the first and the last year (or
  between the years of the period bounds when they are given) are present with an
  empty balance, so a chart shows the gap instead of hiding it.

Reciprocity index
=================
Defined separately for activities and for hours::

    index = (given - received) / (given + received)        in [-1, 1]

* positive: the party gives more than it receives; ``+1``: only gives;
  ``-1``: only receives; ``0``: balanced;
* ``None`` when ``given + received == 0`` ("no data", deliberately not 0). For hours this
  also happens when the party took part in activities but recorded no hours.

Validation
==========
:func:`validate_activity` and :func:`validate_period` raise ``ValueError`` with an English
message for: an end date before the start date (activity or period), negative (or NaN)
hours, an unknown direction, an activity with fewer than two flows, an activity whose
flows all belong to the same party, and a party that appears twice in one activity
(merge its flows first: otherwise "each activity counted once" cannot hold). All public
functions taking activities validate them as they go. The columnar path validates
directions, party indices and hours but not the per-activity structure (it has no
activity identity); feed it only rows that passed through the object model or the
database constraints.

Performance
===========
:func:`all_balances_columnar` does the whole country in a handful of ``numpy.bincount``
calls (tens of milliseconds for a million activities). :func:`all_balances` converts the
objects to columns (:func:`to_columns`) and uses it. The per-party functions are a
single pass over the given activities: pass them only the activities of that party
(what a database query selecting its flows returns) for a page-sized cost.

For a database-side whole-country balance, ``benchmarks/reciprocity.py`` measured that
SQLite needs the activity's start date copied onto each flow row plus a covering index
``(party, direction, start_date, hours)`` (GROUP BY party, direction: ~0.2 s for 2.1
million flows); joining the activity table for the period filter took ~3 s.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

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
_GIVEN_SHARE = np.array([1.0, 0.0, 0.5])  # by direction code


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


def _in_period(activity: Activity, start: datetime.date | None, end: datetime.date | None) -> bool:
    day = activity.start
    return (start is None or day >= start) and (end is None or day <= end)


def _check(activity: Activity) -> None:
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


def _selected(
    activities: Iterable[Activity], start: datetime.date | None, end: datetime.date | None
) -> Iterable[Activity]:
    validate_period(start, end)
    for activity in activities:
        _check(activity)
        if _in_period(activity, start, end):
            yield activity


# --------------------------------------------------------------------------- accumulation


def _new() -> list:
    return [0.0, 0.0, 0.0, 0.0, 0]


def _add_shares(
    acc: list, given: float, received: float, given_hours: float, received_hours: float
) -> None:
    """Count one activity's shares into an accumulator (see :func:`_new`)."""
    acc[0] += given
    acc[1] += received
    acc[2] += given_hours
    acc[3] += received_hours
    acc[4] += 1


def _add(acc: list, flow: Flow) -> None:
    given, received = DIRECTION_SHARES[flow.direction]
    hours = float(flow.hours)
    _add_shares(acc, given, received, hours * given, hours * received)


def _balance(acc: list) -> Balance:
    return Balance(float(acc[0]), float(acc[1]), float(acc[2]), float(acc[3]), int(acc[4]))


# --------------------------------------------------------------------------- public API


def party_balance(
    activities: Iterable[Activity],
    party: str,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> Balance:
    """Balance of ``party`` over all activities it takes part in (start in period)."""
    validate_period(start, end)
    shares = DIRECTION_SHARES
    given = received = given_hours = received_hours = 0.0
    count = 0
    for activity in activities:  # hot loop of a municipality page: kept inline
        _check(activity)
        day = activity.start
        if (start is not None and day < start) or (end is not None and day > end):
            continue
        for flow in activity.flows:
            if flow.party == party:
                share_given, share_received = shares[flow.direction]
                hours = float(flow.hours)
                given += share_given
                received += share_received
                given_hours += hours * share_given
                received_hours += hours * share_received
                count += 1
                break
    return Balance(given, received, given_hours, received_hours, count)


def _own_shares(
    activities: Iterable[Activity],
    party: str,
    start: datetime.date | None,
    end: datetime.date | None,
) -> Iterator[tuple[Activity, float, float, float, float]]:
    """``(activity, given, received, given_hours, received_hours)`` of ``party``'s flows."""
    validate_period(start, end)
    shares = DIRECTION_SHARES
    for activity in activities:
        _check(activity)
        day = activity.start
        if (start is not None and day < start) or (end is not None and day > end):
            continue
        for flow in activity.flows:
            if flow.party == party:
                given, received = shares[flow.direction]
                hours = float(flow.hours)
                yield activity, given, received, hours * given, hours * received
                break


def pair_balance(
    activities: Iterable[Activity],
    a: str,
    b: str,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> Balance:
    """Balance of ``a`` over the activities in which both ``a`` and ``b`` take part."""
    if a == b:
        raise ValueError(f"A pair needs two different parties; got {a} twice.")
    acc = _new()
    for activity, given, received, given_hours, received_hours in _own_shares(
        activities, a, start, end
    ):
        for flow in activity.flows:
            if flow.party == b:
                _add_shares(acc, given, received, given_hours, received_hours)
                break
    return _balance(acc)


def partner_balances(
    activities: Iterable[Activity],
    party: str,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> dict[str, Balance]:
    """``{counterpart: pair_balance(activities, party, counterpart)}`` in one pass."""
    accs: dict[str, list] = {}
    for activity, given, received, given_hours, received_hours in _own_shares(
        activities, party, start, end
    ):
        for flow in activity.flows:
            other = flow.party
            if other != party:
                acc = accs.get(other)
                if acc is None:
                    acc = accs[other] = _new()
                _add_shares(acc, given, received, given_hours, received_hours)
    return {other: _balance(acc) for other, acc in accs.items()}


def network_balances(
    activities: Iterable[Activity],
    members: set[str],
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> dict[str, Balance]:
    """Per member, over activities where at least two members take part."""
    members = set(members)
    accs: dict[str, list] = {member: _new() for member in members}
    for activity in _selected(activities, start, end):
        inside = [flow for flow in activity.flows if flow.party in members]
        if len(inside) >= 2:
            for flow in inside:
                _add(accs[flow.party], flow)
    return {member: _balance(acc) for member, acc in accs.items()}


def yearly_trend(
    activities: Iterable[Activity],
    party: str,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> dict[int, Balance]:
    """Party balance per start year, gaps filled with empty balances (ascending years)."""
    accs: dict[int, list] = {}
    for activity, given, received, given_hours, received_hours in _own_shares(
        activities, party, start, end
    ):
        year = activity.start.year
        acc = accs.get(year)
        if acc is None:
            acc = accs[year] = _new()
        _add_shares(acc, given, received, given_hours, received_hours)
    if start is not None and end is not None:
        first, last = start.year, end.year
    elif accs:
        first = start.year if start is not None else min(accs)
        last = end.year if end is not None else max(accs)
    else:
        return {}
    return {
        year: _balance(accs[year]) if year in accs else EMPTY for year in range(first, last + 1)
    }


def all_balances(
    activities: Iterable[Activity],
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> dict[str, Balance]:
    """Balance of every party that takes part in an activity in the period."""
    validate_period(start, end)
    columns = to_columns(activities)
    result = all_balances_columnar(
        columns.party_idx,
        columns.direction_code,
        columns.hours,
        columns.start_ordinal,
        len(columns.parties),
        start,
        end,
    )
    return result.as_dict(columns.parties)


def balances_from_direction_totals(
    rows: Iterable[tuple[str, str, int, float]],
) -> dict[str, Balance]:
    """Balances from per-party, per-direction totals: ``(party, direction, activities, hours)``.

    This is what one database ``GROUP BY party, direction`` over flows gives, so a whole
    country's balance needs no row per flow in Python. It applies the same counting
    rules as :func:`party_balance`, and assumes what the ledger guarantees: a party
    has at most one flow per activity, and every activity has at least two parties.
    """
    accs: dict[str, list] = {}
    for party, direction, count, hours in rows:
        given, received = DIRECTION_SHARES[direction]
        hours = float(hours or 0.0)
        acc = accs.get(party)
        if acc is None:
            acc = accs[party] = _new()
        acc[0] += count * given
        acc[1] += count * received
        acc[2] += hours * given
        acc[3] += hours * received
        acc[4] += count
    return {party: _balance(acc) for party, acc in accs.items()}


# --------------------------------------------------------------------------- columnar path


@dataclass(frozen=True)
class Columns:
    """One row per flow; ``parties[party_idx[i]]`` is the party of row ``i``."""

    parties: list[str]
    party_idx: np.ndarray  # int64
    direction_code: np.ndarray  # int8, see DIRECTION_CODES
    hours: np.ndarray  # float64
    start_ordinal: np.ndarray  # int64, datetime.date.toordinal() of the activity start
    activity_idx: np.ndarray  # int64, position of the activity in the input


def to_columns(activities: Iterable[Activity]) -> Columns:
    """Validate the activities and flatten them into flow columns."""
    index: dict[str, int] = {}
    party_idx: list[int] = []
    codes: list[int] = []
    hours: list[float] = []
    ordinals: list[int] = []
    activity_idx: list[int] = []
    code_of = DIRECTION_CODES
    for position, activity in enumerate(activities):
        _check(activity)
        ordinal = activity.start.toordinal()
        for flow in activity.flows:
            idx = index.get(flow.party)
            if idx is None:
                idx = index[flow.party] = len(index)
            party_idx.append(idx)
            codes.append(code_of[flow.direction])
            hours.append(float(flow.hours))
            ordinals.append(ordinal)
            activity_idx.append(position)
    return Columns(
        parties=list(index),
        party_idx=np.asarray(party_idx, dtype=np.int64),
        direction_code=np.asarray(codes, dtype=np.int8),
        hours=np.asarray(hours, dtype=np.float64),
        start_ordinal=np.asarray(ordinals, dtype=np.int64),
        activity_idx=np.asarray(activity_idx, dtype=np.int64),
    )


@dataclass(frozen=True)
class ColumnarBalances:
    """Arrays of length ``n_parties``; index arrays hold NaN where the index is None."""

    given_activities: np.ndarray
    received_activities: np.ndarray
    given_hours: np.ndarray
    received_hours: np.ndarray
    activity_count: np.ndarray  # int64
    activity_index: np.ndarray
    hours_index: np.ndarray

    def balance(self, i: int) -> Balance:
        return Balance(
            float(self.given_activities[i]),
            float(self.received_activities[i]),
            float(self.given_hours[i]),
            float(self.received_hours[i]),
            int(self.activity_count[i]),
        )

    def as_dict(self, parties: list[str]) -> dict[str, Balance]:
        """``{party: Balance}`` for the parties with at least one activity."""
        return {parties[i]: self.balance(i) for i in np.flatnonzero(self.activity_count)}


def _index_array(given: np.ndarray, received: np.ndarray) -> np.ndarray:
    total = given + received
    out = np.full(total.shape, np.nan)
    np.divide(given - received, total, out=out, where=total > 0)
    return out


def all_balances_columnar(
    party_idx: np.ndarray,
    direction_code: np.ndarray,
    hours: np.ndarray,
    start_ordinal: np.ndarray,
    n_parties: int,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> ColumnarBalances:
    """Every party's balance from flow columns (one row per flow) with ``numpy.bincount``.

    Same semantics as the object path; ``activity_count`` is the number of flows of the
    party, which equals its number of distinct activities because a party appears at most
    once per activity (enforced by :func:`validate_activity` / a database unique key).
    """
    validate_period(start, end)
    party_idx = np.asarray(party_idx)
    direction_code = np.asarray(direction_code)
    hours = np.asarray(hours, dtype=np.float64)
    start_ordinal = np.asarray(start_ordinal)
    n = len(party_idx)
    if not (len(direction_code) == len(hours) == len(start_ordinal) == n):
        raise ValueError(
            "Columns party_idx, direction_code, hours and start_ordinal differ in length."
        )
    if n:
        if direction_code.min() < 0 or direction_code.max() > 2:
            raise ValueError("Unknown direction code; expected 0 (gave), 1 (received), 2 (mutual).")
        if party_idx.min() < 0 or party_idx.max() >= n_parties:
            raise ValueError(f"Party index out of range 0..{n_parties - 1}.")
        if not (hours >= 0).all():  # also catches NaN
            raise ValueError("Hours must be numbers >= 0.")

    mask = None
    if start is not None:
        mask = start_ordinal >= start.toordinal()
    if end is not None:
        upper = start_ordinal <= end.toordinal()
        mask = upper if mask is None else mask & upper
    if mask is not None:
        party_idx = party_idx[mask]
        direction_code = direction_code[mask]
        hours = hours[mask]

    given_share = _GIVEN_SHARE[direction_code]
    received_share = 1.0 - given_share  # shares of one flow always add up to 1
    given_activities = np.bincount(party_idx, weights=given_share, minlength=n_parties)
    received_activities = np.bincount(party_idx, weights=received_share, minlength=n_parties)
    given_hours = np.bincount(party_idx, weights=hours * given_share, minlength=n_parties)
    received_hours = np.bincount(party_idx, weights=hours * received_share, minlength=n_parties)
    activity_count = np.bincount(party_idx, minlength=n_parties).astype(np.int64)
    return ColumnarBalances(
        given_activities=given_activities,
        received_activities=received_activities,
        given_hours=given_hours,
        received_hours=received_hours,
        activity_count=activity_count,
        activity_index=_index_array(given_activities, received_activities),
        hours_index=_index_array(given_hours, received_hours),
    )
