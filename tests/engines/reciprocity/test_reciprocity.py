"""Reciprocity engine: hand-computed scenarios (no database).

Every expected number below is worked out by hand in the comments, not computed by the
code under test.
"""

import datetime
import random
from decimal import Decimal

import numpy as np
import pytest

from kennisschakel.engines.reciprocity import (
    DIRECTION_CODES,
    Activity,
    Balance,
    Flow,
    all_balances,
    all_balances_columnar,
    network_balances,
    pair_balance,
    partner_balances,
    party_balance,
    to_columns,
    validate_activity,
    yearly_trend,
)

D = datetime.date


def act(id, start, *flows, end=None):
    return Activity(id=id, start=start, end=end, flows=tuple(Flow(*f) for f in flows))


def assert_balance(balance, given, received, given_hours, received_hours, count):
    assert balance.given_activities == pytest.approx(given)
    assert balance.received_activities == pytest.approx(received)
    assert balance.given_hours == pytest.approx(given_hours)
    assert balance.received_hours == pytest.approx(received_hours)
    assert balance.activity_count == count


# --------------------------------------------------------------------------- one-sided


ONE_SIDED = [
    act(1, D(2024, 1, 10), ("A", "gave", 2), ("B", "received", 1)),
    act(2, D(2024, 2, 10), ("A", "gave", 2), ("B", "received", 1)),
    act(3, D(2024, 3, 10), ("A", "gave", 2), ("B", "received", 1)),
]


def test_one_sided_giving():
    a = party_balance(ONE_SIDED, "A")
    # 3 activities given, 3 x 2 h = 6 h given, nothing received
    assert_balance(a, 3, 0, 6, 0, 3)
    assert a.activity_index == 1
    assert a.hours_index == 1
    b = party_balance(ONE_SIDED, "B")
    # 3 activities received, 3 x 1 h = 3 h received
    assert_balance(b, 0, 3, 0, 3, 3)
    assert b.activity_index == -1
    assert b.hours_index == -1


def test_one_sided_pair_and_all():
    assert_balance(pair_balance(ONE_SIDED, "A", "B"), 3, 0, 6, 0, 3)
    assert_balance(pair_balance(ONE_SIDED, "B", "A"), 0, 3, 0, 3, 3)
    everyone = all_balances(ONE_SIDED)
    assert set(everyone) == {"A", "B"}
    assert_balance(everyone["A"], 3, 0, 6, 0, 3)
    assert_balance(everyone["B"], 0, 3, 0, 3, 3)


# --------------------------------------------------------------------------- balanced


BALANCED = [
    act(1, D(2023, 5, 1), ("A", "gave", 4), ("B", "received", 2)),
    act(2, D(2023, 6, 1), ("B", "gave", 5), ("A", "received", 1)),
]


def test_balanced_exchange():
    a = party_balance(BALANCED, "A")
    # activities 1 given / 1 received -> index 0; hours 4 given / 1 received -> 3/5
    assert_balance(a, 1, 1, 4, 1, 2)
    assert a.activity_index == 0
    assert a.hours_index == pytest.approx(0.6)
    b = party_balance(BALANCED, "B")
    # hours 5 given / 2 received -> 3/7
    assert_balance(b, 1, 1, 5, 2, 2)
    assert b.activity_index == 0
    assert b.hours_index == pytest.approx(3 / 7)


# --------------------------------------------------------------------------- three-party network

# Members A, B, C; X is an outsider.
NETWORK = [
    act(1, D(2022, 1, 5), ("A", "gave", 6), ("B", "received", 2)),
    act(2, D(2022, 3, 5), ("B", "gave", 4), ("C", "received", 4)),
    act(3, D(2022, 6, 5), ("C", "mutual", 8), ("A", "mutual", 2)),
    act(4, D(2023, 2, 5), ("A", "gave", 3), ("B", "received", 1), ("C", "received", 1)),
    act(5, D(2023, 4, 5), ("A", "gave", 10), ("X", "received", 5)),  # one member only
    act(6, D(2023, 9, 5), ("B", "received", 2), ("X", "gave", 7), ("C", "received", 3)),
]


def test_three_party_network_by_hand():
    result = network_balances(NETWORK, {"A", "B", "C"})
    assert set(result) == {"A", "B", "C"}
    # A in 1, 3, 4 (5 excluded: only one member)
    #   activities given 1 + 0.5 + 1 = 2.5, received 0.5
    #   hours given 6 + 1 + 3 = 10, received 1 (half of 2 h mutual)
    assert_balance(result["A"], 2.5, 0.5, 10, 1, 3)
    assert result["A"].activity_index == pytest.approx(2 / 3)  # (2.5-0.5)/3
    assert result["A"].hours_index == pytest.approx(9 / 11)  # (10-1)/11
    # B in 1 (recv 2h), 2 (gave 4h), 4 (recv 1h), 6 (recv 2h; X's flow ignored)
    assert_balance(result["B"], 1, 3, 4, 5, 4)
    assert result["B"].activity_index == pytest.approx(-0.5)  # (1-3)/4
    assert result["B"].hours_index == pytest.approx(-1 / 9)  # (4-5)/9
    # C in 2 (recv 4h), 3 (mutual 8h -> 4/4), 4 (recv 1h), 6 (recv 3h)
    #   activities given 0.5, received 1 + 0.5 + 1 + 1 = 3.5
    #   hours given 4, received 4 + 4 + 1 + 3 = 12
    assert_balance(result["C"], 0.5, 3.5, 4, 12, 4)
    assert result["C"].activity_index == pytest.approx(-0.75)  # (0.5-3.5)/4
    assert result["C"].hours_index == pytest.approx(-0.5)  # (4-12)/16


def test_sub_network_and_non_member():
    result = network_balances(NETWORK, {"A", "B", "Z"})
    # only activities 1 and 4 have two members (A and B)
    assert_balance(result["A"], 2, 0, 9, 0, 2)
    assert_balance(result["B"], 0, 2, 0, 3, 2)
    # Z never takes part: present, empty, no index
    assert result["Z"] == Balance()
    assert result["Z"].activity_index is None


def test_party_pair_and_partner_balances_in_network_data():
    # A overall: activities 1, 3, 4, 5 -> given 1 + .5 + 1 + 1 = 3.5, received .5
    #   hours given 6 + 1 + 3 + 10 = 20, received 1
    assert_balance(party_balance(NETWORK, "A"), 3.5, 0.5, 20, 1, 4)
    # A<->B: activities 1 and 4, A gave both: 6 h + 3 h
    assert_balance(pair_balance(NETWORK, "A", "B"), 2, 0, 9, 0, 2)
    # B<->A seen from B: received in both, 2 h + 1 h
    assert_balance(pair_balance(NETWORK, "B", "A"), 0, 2, 0, 3, 2)
    # A<->C: activities 3 (mutual 2 h) and 4 (gave 3 h)
    assert_balance(pair_balance(NETWORK, "A", "C"), 1.5, 0.5, 4, 1, 2)
    partners = partner_balances(NETWORK, "A")
    assert set(partners) == {"B", "C", "X"}
    assert_balance(partners["B"], 2, 0, 9, 0, 2)
    assert_balance(partners["C"], 1.5, 0.5, 4, 1, 2)
    assert_balance(partners["X"], 1, 0, 10, 0, 1)


# --------------------------------------------------------------------------- mutual


def test_mutual_counts_halves():
    data = [act(1, D(2024, 4, 4), ("A", "mutual", 6), ("B", "mutual", 3))]
    # A: half an activity each way, 6 h split 3 / 3
    a = party_balance(data, "A")
    assert_balance(a, 0.5, 0.5, 3, 3, 1)
    assert a.activity_index == 0
    assert a.hours_index == 0
    # B: 3 h split 1.5 / 1.5
    assert_balance(party_balance(data, "B"), 0.5, 0.5, 1.5, 1.5, 1)


# --------------------------------------------------------------------------- period


PERIOD_DATA = [
    act(1, D(2024, 1, 1), ("A", "gave", 1), ("B", "received", 1)),  # on period start
    act(2, D(2024, 12, 31), ("A", "gave", 2), ("B", "received", 1)),  # on period end
    act(3, D(2023, 12, 31), ("A", "gave", 4), ("B", "received", 1)),  # one day before
    act(4, D(2025, 1, 1), ("A", "gave", 8), ("B", "received", 1)),  # one day after
    # starts before the period, ends inside it: start date decides -> excluded
    act(5, D(2023, 12, 31), ("A", "received", 16), ("B", "gave", 1), end=D(2024, 6, 1)),
]


def test_period_bounds_inclusive_by_start_date():
    start, end = D(2024, 1, 1), D(2024, 12, 31)
    # activities 1 and 2 only: 2 given, 1 + 2 = 3 h
    assert_balance(party_balance(PERIOD_DATA, "A", start, end), 2, 0, 3, 0, 2)
    assert_balance(pair_balance(PERIOD_DATA, "A", "B", start, end), 2, 0, 3, 0, 2)
    assert_balance(all_balances(PERIOD_DATA, start, end)["A"], 2, 0, 3, 0, 2)
    assert_balance(network_balances(PERIOD_DATA, {"A", "B"}, start, end)["A"], 2, 0, 3, 0, 2)


def test_open_period_bounds():
    # from 2024-01-01 on: activities 1, 2, 4 -> 1 + 2 + 8 = 11 h
    assert_balance(party_balance(PERIOD_DATA, "A", start=D(2024, 1, 1)), 3, 0, 11, 0, 3)
    # up to 2023-12-31: activities 3 and 5 -> gave 4 h, received 16 h
    assert_balance(party_balance(PERIOD_DATA, "A", end=D(2023, 12, 31)), 1, 1, 4, 16, 2)
    # no bounds: all five
    assert_balance(party_balance(PERIOD_DATA, "A"), 4, 1, 15, 16, 5)


# --------------------------------------------------------------------------- never twice


def test_same_activity_never_counted_twice():
    data = [
        act(1, D(2021, 1, 1), ("A", "gave", 1), ("B", "received", 1)),
        act(2, D(2021, 2, 1), ("B", "gave", 2), ("C", "received", 3)),
        act(3, D(2021, 3, 1), ("C", "gave", 5), ("A", "received", 1)),
        act(4, D(2021, 4, 1), ("A", "gave", 2), ("C", "received", 2)),
        act(5, D(2021, 5, 1), ("A", "gave", 7), ("B", "received", 3)),
    ]
    everyone = all_balances(data)
    # 5 two-party gave/received activities: 5 given and 5 received in total,
    # 10 participations (5 activities x 2 sides), never 20
    assert sum(b.given_activities for b in everyone.values()) == 5
    assert sum(b.received_activities for b in everyone.values()) == 5
    assert sum(b.activity_count for b in everyone.values()) == 10
    # A: given in 1, 4, 5 (1 + 2 + 7 = 10 h), received in 3 (1 h)
    assert_balance(everyone["A"], 3, 1, 10, 1, 4)
    # the pair is one set of records seen from both sides
    ab, ba = pair_balance(data, "A", "B"), pair_balance(data, "B", "A")
    assert (ab.given_activities, ab.received_activities) == (2, 0)
    assert (ba.given_activities, ba.received_activities) == (0, 2)
    assert ab.activity_count == ba.activity_count == 2
    # partner balances of A cover its party balance exactly for two-party activities
    total = sum(partner_balances(data, "A").values(), Balance())
    assert total == party_balance(data, "A")


# --------------------------------------------------------------------------- no data


def test_no_exchanges_gives_none_not_zero():
    empty = party_balance([], "A")
    assert empty == Balance()
    assert empty.activity_index is None
    assert empty.hours_index is None
    assert party_balance(ONE_SIDED, "Q").activity_index is None
    assert pair_balance(ONE_SIDED, "A", "Q").activity_index is None
    assert all_balances([]) == {}
    assert partner_balances([], "A") == {}
    assert yearly_trend([], "A") == {}


def test_activities_without_hours_have_no_hours_index():
    data = [act(1, D(2024, 1, 1), ("A", "gave"), ("B", "received"))]
    a = party_balance(data, "A")
    assert a.activity_index == 1
    assert a.hours_index is None


# --------------------------------------------------------------------------- trend


def test_yearly_trend_groups_by_start_year_and_fills_gaps():
    data = [
        act(1, D(2020, 3, 1), ("A", "gave", 5), ("B", "received", 1)),
        act(2, D(2022, 1, 1), ("A", "received", 2), ("B", "gave", 1)),
        act(3, D(2022, 12, 31), ("A", "received", 4), ("C", "gave", 1), end=D(2023, 2, 1)),
        act(4, D(2022, 6, 1), ("B", "gave", 9), ("C", "received", 1)),  # A absent
    ]
    trend = yearly_trend(data, "A")
    assert list(trend) == [2020, 2021, 2022]
    assert_balance(trend[2020], 1, 0, 5, 0, 1)
    assert trend[2021] == Balance()  # gap year: present, no data
    assert trend[2021].activity_index is None
    # 2022: received twice, 2 + 4 = 6 h
    assert_balance(trend[2022], 0, 2, 0, 6, 2)
    assert trend[2022].activity_index == -1

    bounded = yearly_trend(data, "A", D(2019, 1, 1), D(2023, 12, 31))
    assert list(bounded) == [2019, 2020, 2021, 2022, 2023]
    assert bounded[2019] == bounded[2023] == Balance()

    # the yearly parts add up to the whole
    assert sum(trend.values(), Balance()) == party_balance(data, "A")


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("activity", "message"),
    [
        (
            act(1, D(2024, 2, 1), ("A", "gave"), ("B", "received"), end=D(2024, 1, 31)),
            "ends",
        ),
        (act(2, D(2024, 1, 1), ("A", "gave", -1), ("B", "received")), "Hours must be"),
        (act(3, D(2024, 1, 1), ("A", "gave", float("nan")), ("B", "received")), "Hours"),
        (act(4, D(2024, 1, 1), ("A", "gave"), ("A", "received")), "same party"),
        (act(5, D(2024, 1, 1), ("A", "gave")), "at least 2"),
        (act(6, D(2024, 1, 1)), "at least 2"),
        (act(7, D(2024, 1, 1), ("A", "gave"), ("B", "taken")), "Unknown direction"),
        (act(8, D(2024, 1, 1), ("A", "gave"), ("B", "received"), ("A", "mutual")), "more than"),
    ],
)
def test_validation_errors(activity, message):
    with pytest.raises(ValueError, match=message):
        validate_activity(activity)
    with pytest.raises(ValueError, match=message):
        party_balance([activity], "A")
    with pytest.raises(ValueError, match=message):
        all_balances([activity])


def test_period_and_pair_validation():
    with pytest.raises(ValueError, match="before period start"):
        party_balance(ONE_SIDED, "A", D(2024, 2, 1), D(2024, 1, 1))
    with pytest.raises(ValueError, match="before period start"):
        all_balances_columnar([], [], [], [], 0, D(2024, 2, 1), D(2024, 1, 1))
    with pytest.raises(ValueError, match="two different parties"):
        pair_balance(ONE_SIDED, "A", "A")
    with pytest.raises(ValueError, match="direction code"):
        all_balances_columnar([0, 1], [0, 3], [1.0, 1.0], [1, 1], 2)
    with pytest.raises(ValueError, match="Hours"):
        all_balances_columnar([0, 1], [0, 1], [1.0, -1.0], [1, 1], 2)
    with pytest.raises(ValueError, match="out of range"):
        all_balances_columnar([0, 2], [0, 1], [1.0, 1.0], [1, 1], 2)


def test_decimal_hours_accepted():
    data = [act(1, D(2024, 1, 1), ("A", "gave", Decimal("1.5")), ("B", "received", Decimal(0)))]
    assert_balance(party_balance(data, "A"), 1, 0, 1.5, 0, 1)
    assert_balance(all_balances(data)["A"], 1, 0, 1.5, 0, 1)


# --------------------------------------------------------------------------- property


def random_activities(seed, count=400, parties=15):
    rng = random.Random(seed)
    names = [f"GM{i:04d}" for i in range(parties)] + ["place:1", "place:2"]
    directions = list(DIRECTION_CODES)
    data = []
    for i in range(count):
        size = rng.choice([2, 2, 2, 2, 3, 4])
        start = D(2000, 1, 1) + datetime.timedelta(days=rng.randrange(27 * 365))
        flows = tuple(
            Flow(party, rng.choice(directions), rng.choice([0, rng.uniform(1, 80)]))
            for party in rng.sample(names, size)
        )
        data.append(Activity(i, start, None, flows))
    return data


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize(
    ("start", "end"), [(None, None), (D(2010, 1, 1), D(2018, 12, 31)), (D(2020, 6, 1), None)]
)
def test_columnar_and_pure_python_agree(seed, start, end):
    data = random_activities(seed)
    columnar = all_balances(data, start, end)  # goes through the numpy path
    parties = {flow.party for activity in data for flow in activity.flows}
    for party in parties:
        expected = party_balance(data, party, start, end)  # pure Python path
        got = columnar.get(party, Balance())
        assert got.activity_count == expected.activity_count
        for field in ("given_activities", "received_activities", "given_hours"):
            assert getattr(got, field) == pytest.approx(getattr(expected, field))
        assert got.received_hours == pytest.approx(expected.received_hours)
        if expected.activity_index is None:
            assert got.activity_index is None
        else:
            assert got.activity_index == pytest.approx(expected.activity_index)
        if expected.hours_index is None:
            assert got.hours_index is None
        else:
            assert got.hours_index == pytest.approx(expected.hours_index)
    # a network of everybody is every activity (all have >= 2 distinct parties)
    network = network_balances(data, parties, start, end)
    for party in parties:
        assert network[party].activity_count == columnar.get(party, Balance()).activity_count
    # index arrays: NaN exactly where the pure path says None
    cols = to_columns(data)
    arrays = all_balances_columnar(
        cols.party_idx,
        cols.direction_code,
        cols.hours,
        cols.start_ordinal,
        len(cols.parties),
        start,
        end,
    )
    for i, party in enumerate(cols.parties):
        expected = party_balance(data, party, start, end)
        assert np.isnan(arrays.activity_index[i]) == (expected.activity_index is None)
        assert np.isnan(arrays.hours_index[i]) == (expected.hours_index is None)
