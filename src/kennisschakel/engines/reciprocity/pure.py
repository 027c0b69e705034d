"""Row-by-row reciprocity balances over :class:`~.model.Activity` objects.

The reference computation of the counting rules (party, pair, network, yearly trend and
per-direction totals). The per-party functions are a single pass: pass them only the
activities of that party for a page-sized cost.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator

from .model import (
    DIRECTION_SHARES,
    EMPTY,
    Activity,
    Balance,
    Flow,
    check_activity,
    validate_period,
)


def _in_period(activity: Activity, start: datetime.date | None, end: datetime.date | None) -> bool:
    day = activity.start
    return (start is None or day >= start) and (end is None or day <= end)


def _selected(
    activities: Iterable[Activity], start: datetime.date | None, end: datetime.date | None
) -> Iterable[Activity]:
    validate_period(start, end)
    for activity in activities:
        check_activity(activity)
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
        check_activity(activity)
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
        check_activity(activity)
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
