"""Size classes (gemeentegrootteklassen), as plain data and one function.

A scheme is an ordered list of classes with inclusive lower and upper bounds
on the number of inhabitants (``upper`` None means open-ended). The sources
write bounds differently ('0 tot 10.000' in ``004`` Tabel 2.1, '<25.000' and
'25.001-50.000' in ``003`` Tabel 2); ``data/size_classes.yaml`` records how
each scheme's boundaries are read.
"""

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class SizeBand:
    slug: str
    lower: int
    upper: int | None

    def contains(self, inhabitants: int) -> bool:
        return inhabitants >= self.lower and (self.upper is None or inhabitants <= self.upper)


def classify(inhabitants: int, bands: Iterable[SizeBand]) -> str | None:
    """Return the slug of the band that holds ``inhabitants``, or None."""
    for band in bands:
        if band.contains(inhabitants):
            return band.slug
    return None


def check_scheme(bands: list[SizeBand]) -> list[str]:
    """Problems that make a scheme unusable: gaps, overlaps, an open band before the end."""
    problems = []
    ordered = sorted(bands, key=lambda band: band.lower)
    if ordered and ordered[0].lower != 0:
        problems.append(f"first class {ordered[0].slug} starts at {ordered[0].lower}, not 0")
    for previous, current in zip(ordered, ordered[1:], strict=False):
        if previous.upper is None:
            problems.append(f"class {previous.slug} is open-ended but is not the last")
        elif current.lower != previous.upper + 1:
            problems.append(f"classes {previous.slug} and {current.slug} do not join")
    if ordered and ordered[-1].upper is not None:
        problems.append(f"last class {ordered[-1].slug} is not open-ended")
    return problems
