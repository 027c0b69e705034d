"""Rounding as printed tables round, and detecting how a printed table rounded.

Python's ``round()`` rounds half to even (``round(12.5) == 12``), which no source does;
:func:`round_half_up` rounds halves away from zero, :func:`round_as` by a named rule.

The sources do not say how they round, and not every printed table rounds alike:
004 Table 5.3 prints 2/7, 4/7, 1/7 as 28 / 57 / 14 % (truncated; half up gives 29).
Each published table records its rule (monitor/data/published, ``rounding``); where
the source is silent the rule is *detected* from the printed figures with the
functions below: a rule is kept when some counts (or sums) consistent with what is
printed reproduce every figure of the table. One rule left: that is the table's rule;
several: "ambiguous" (recorded as such, the default rule applies); none: "none".

"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from math import ceil


def round_half_up(value: float | None, decimals: int = 0) -> float | None:
    """Round as printed tables do: halves away from zero (12.5 -> 13, 0.125 -> 0.13).

    Python's ``round()`` rounds halves to even (``round(12.5) == 12``) and works on the
    binary value (``round(0.125, 2) == 0.12``). We round the shortest decimal form of the
    float (its ``repr``), i.e. the number as it would be printed, with ROUND_HALF_UP."""
    if value is None:
        return None
    if decimals < 0:
        raise ValueError("decimals must be >= 0")
    exact = Decimal(repr(float(value)))
    return float(exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


#: The rules a printed table may round by: halves away from zero, or cut off.
ROUNDING_RULES = ("half_up", "truncate")
DEFAULT_ROUNDING = "half_up"


def round_as(value: float | None, decimals: int = 0, rule: str = DEFAULT_ROUNDING):
    """``value`` rounded to ``decimals`` by ``rule`` (see :data:`ROUNDING_RULES`)."""
    if rule == "half_up":
        return round_half_up(value, decimals)
    if rule != "truncate":
        raise ValueError(f"unknown rounding rule {rule!r}")
    if value is None:
        return None
    if decimals < 0:
        raise ValueError("decimals must be >= 0")
    exact = Decimal(repr(float(value)))  # 100 * 29 / 100 is 29.000000000000004: as printed
    return float(exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_DOWN))


def rounding_interval(printed: float, decimals: int, rule: str) -> tuple[Fraction, Fraction]:
    """The exact values ``[low, high)`` that ``rule`` prints as ``printed`` (>= 0)."""
    value, step = Fraction(repr(float(printed))), Fraction(1, 10**decimals)
    if rule == "half_up":
        return value - step / 2, value + step / 2
    if rule == "truncate":
        return value, value + step
    raise ValueError(f"unknown rounding rule {rule!r}")


def _multiples(low: Fraction, high: Fraction, unit: Fraction) -> tuple[int, int]:
    """The integers k with low <= k * unit < high, as (first, last); first > last if none."""
    return max(0, ceil(low / unit)), ceil(high / unit) - 1


def percent_reproduced(
    printed: Sequence[float | None],
    rule: str,
    decimals: int = 0,
    *,
    n: int | None = None,
    counts: Sequence[int | None] | None = None,
    max_n: int = 1000,
    whole: bool = False,
) -> bool:
    """Can ``rule`` print ``printed`` as the percentages ``100 * count / n``?

    ``counts``: the printed counts (``None`` where not printed); ``n``: the base when
    printed, else any n from 1 (or the largest count) to ``max_n`` is tried; ``whole``:
    the counts add up to n (one answer each, a column adding up to ~100). A ``None``
    percentage is not printed and allows any count."""
    pairs = [
        (p, None if counts is None else counts[i]) for i, p in enumerate(printed) if p is not None
    ]
    if not pairs:
        return True
    unprinted = len(pairs) < len(printed)  # a cell left empty may hold any count
    known = [c for _, c in pairs if c is not None]
    bases = [n] if n is not None else range(max([1, *known]), max_n + 1)
    intervals = [(rounding_interval(p, decimals, rule), c) for p, c in pairs]
    for base in bases:
        low_sum = high_sum = 0
        for (low, high), count in intervals:
            first, last = _multiples(low, high, Fraction(100, base))
            if count is not None:
                first, last = (count, count) if first <= count <= last else (1, 0)
            if first > min(last, base):
                break
            low_sum, high_sum = low_sum + first, high_sum + min(last, base)
        else:
            if not whole or low_sum <= base <= (base if unprinted else high_sum):
                return True
    return False


def mean_reproduced(
    printed: float,
    rule: str,
    decimals: int,
    *,
    n: int | None = None,
    max_n: int = 1000,
    step: float | None = None,
) -> bool:
    """Can ``rule`` print ``printed`` as a mean of n answers that are multiples of
    ``step`` (their sum is then a multiple of ``step``)? ``step`` None: answers of any
    precision, so every rule can (nothing tells the rules apart)."""
    if step is None:
        return True
    low, high = rounding_interval(printed, decimals, rule)
    unit = Fraction(repr(float(step)))
    for base in [n] if n is not None else range(1, max_n + 1):
        first, last = _multiples(low * base, high * base, unit)
        if first <= last:
            return True
    return False


@dataclass(frozen=True)
class Detection:
    """Which rules reproduce a table's printed figures.

    ``outcome``: the one rule that does; "ambiguous" when several do; "none" when no
    rule reproduces all figures; "not_rounded" when nothing in the table is rounded."""

    outcome: str
    rules: tuple[str, ...]  # the rules that reproduce every figure
    failures: Mapping[str, tuple[str, ...]]  # rule -> figures it does not reproduce
    checked: int  # number of figure groups checked


def detect_rounding(
    checks: Mapping[str, Callable[[str], bool]], rules: Sequence[str] = ROUNDING_RULES
) -> Detection:
    """Run every check (figure group name -> ``check(rule)``) under every rule."""
    failures = {
        rule: tuple(name for name, check in checks.items() if not check(rule)) for rule in rules
    }
    passing = tuple(rule for rule in rules if not failures[rule])
    if not checks:
        outcome = "not_rounded"
    elif len(passing) == 1:
        outcome = passing[0]
    else:
        outcome = "ambiguous" if passing else "none"
    return Detection(outcome, passing, failures, len(checks))
