"""Small-cell suppression of a tabulated wave (see :mod:`.analysis`).

Suppression (small cells)
=========================
Figures about fewer than ``min_cell`` respondents (default :data:`MIN_CELL`) are not
shown; this protects the answers of individual municipalities. Per table:

1. a group column whose base is below ``min_cell`` is suppressed: all its values and its
   base become ``None`` and its code is in ``Table.suppressed``. The base goes too because
   with routing a base is itself an answer count (the base of a follow-up question is
   the number that answered "yes" before);
2. the ``total`` column likewise when the total base is below ``min_cell`` (then every
   group column is suppressed as well);
3. complementary suppression: with the total shown, ``total - shown groups`` reveals the
   respondents who are hidden (suppressed groups plus those without a group) taken
   together. When they number 1 to ``min_cell - 1``, the smallest remaining group column
   (lowest base, first on ties) is suppressed too, so that the hidden part always
   covers at least ``min_cell`` respondents or none. This covers the case of exactly
   one suppressed group, and also two small suppressed groups whose sum is still small.

The response table is not suppressed: it shows how many responded, not what anyone
answered. Wave comparisons suppress a wave whose total base is below ``min_cell``.

Limits, recorded not solved: suppression is per table. Different tables of one wave
may pick different complementary columns, and the shown base of a routed question can
reveal a count that another table suppressed complementarily; min and max are single
respondents' values (of a group of at least ``min_cell``). Respondent keys never enter
a :class:`Table` (only counts and aggregates do).
"""

from __future__ import annotations

from .tables import TOTAL, Table

#: Default smallest base shown in a column.
MIN_CELL = 5


def suppress(table: Table, unclassified: int, min_cell: int) -> Table:
    """Primary and complementary suppression (see the module docstring), in place."""
    groups = [column for column in table.columns if column != TOTAL]
    base = table.base
    suppressed = {column for column in groups if base[column] < min_cell}
    if base[TOTAL] < min_cell:
        suppressed.add(TOTAL)
    else:
        # What "total minus the shown groups" reveals: all hidden respondents together.
        hidden = unclassified + sum(base[column] for column in suppressed)
        while 0 < hidden < min_cell:
            remaining = [column for column in groups if column not in suppressed]
            if not remaining:  # pragma: no cover - then total == hidden < min_cell
                break
            smallest = min(remaining, key=lambda column: base[column])  # first on ties
            suppressed.add(smallest)
            hidden += base[smallest]
    blank(table, suppressed)
    return table


def blank(table: Table, columns: set[str]) -> None:
    for column in columns:
        table.base[column] = None
        for row in table.rows:
            row.values[column] = None
    table.suppressed = set(columns)
