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

Layout: :mod:`.model` (data types and validation), :mod:`.pure` (row-by-row reference
computation), :mod:`.columnar` (numpy fast path). Import the public names from here.
"""

from .columnar import (
    ColumnarBalances,
    Columns,
    all_balances,
    all_balances_columnar,
    to_columns,
)
from .model import (
    DIRECTION_CODES,
    DIRECTION_SHARES,
    EMPTY,
    GAVE,
    MUTUAL,
    RECEIVED,
    Activity,
    Balance,
    Flow,
    reciprocity_index,
    validate_activity,
    validate_flow,
    validate_period,
)
from .pure import (
    balances_from_direction_totals,
    network_balances,
    pair_balance,
    partner_balances,
    party_balance,
    yearly_trend,
)

__all__ = [
    "DIRECTION_CODES",
    "DIRECTION_SHARES",
    "EMPTY",
    "GAVE",
    "MUTUAL",
    "RECEIVED",
    "Activity",
    "Balance",
    "ColumnarBalances",
    "Columns",
    "Flow",
    "all_balances",
    "all_balances_columnar",
    "balances_from_direction_totals",
    "network_balances",
    "pair_balance",
    "partner_balances",
    "party_balance",
    "reciprocity_index",
    "to_columns",
    "validate_activity",
    "validate_flow",
    "validate_period",
    "yearly_trend",
]
