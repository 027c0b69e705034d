"""Columnar (numpy) reciprocity balances: the whole country in a few ``bincount`` calls.

:func:`all_balances_columnar` works on flow columns (one row per flow), as a database
query can return them; :func:`all_balances` flattens objects into such columns first.
Same counting rules as :mod:`.pure`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from .model import DIRECTION_CODES, Activity, Balance, check_activity, validate_period

_GIVEN_SHARE = np.array([1.0, 0.0, 0.5])  # by direction code


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
        check_activity(activity)
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
