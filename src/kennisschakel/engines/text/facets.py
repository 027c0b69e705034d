"""Facets of the search index: per facet value, which slots have it (a boolean mask), and
filtering and counting a query's matches by them.

Filters are AND across facet names and OR within one facet's values. Counts are made
for every facet under the filters of the *other* facets, so a chosen filter's own
alternatives keep their counts; a chosen value stays visible with a count of 0.
"""

from collections.abc import Iterable, Mapping

import numpy as np


def packed(mask: np.ndarray, size: int) -> np.ndarray:
    """A boolean mask over ``size`` slots as 64-bit words of bits (zero-padded)."""
    bits = np.packbits(mask[:size])
    padding = -len(bits) % 8
    if padding:
        bits = np.concatenate([bits, np.zeros(padding, dtype=np.uint8)])
    return bits.view(np.uint64)


class FacetMasks:
    """name → value → bool per slot; the masks grow and shrink with the slots."""

    def __init__(self):
        self.masks: dict[str, dict[str, np.ndarray]] = {}

    def arrays(self) -> list[np.ndarray]:
        return [mask for masks in self.masks.values() for mask in masks.values()]

    def add(self, slot: int, facets: Mapping[str, Iterable[str]], capacity: int) -> None:
        for name, values in facets.items():
            masks = self.masks.setdefault(name, {})
            for value in values:
                mask = masks.get(value)
                if mask is None:
                    mask = masks[value] = np.zeros(capacity, dtype=bool)
                mask[slot] = True

    def resize(self, grown) -> None:
        """Every mask replaced by ``grown(mask)`` (more slots, or the live ones only)."""
        for masks in self.masks.values():
            for value in list(masks):
                masks[value] = grown(masks[value])

    def filter_masks(self, filters: Mapping[str, Iterable[str]], size: int):
        masks = {}
        for name, values in filters.items():
            values = list(values)
            if not values:
                continue
            mask = np.zeros(size, dtype=bool)
            known = self.masks.get(name, {})
            for value in values:
                if value in known:
                    mask |= known[value][:size]
            masks[name] = mask
        return masks

    def packed(self, size: int) -> tuple[dict, np.ndarray | None]:
        """Every facet value's slots as bits (a row of 64-bit words per value), and per
        facet name its rows and values: counting a page's facets is then a few
        bitwise passes instead of one pass over every slot per value."""
        rows: dict[str, tuple[int, int, list[str]]] = {}
        masks = []
        for name, values in self.masks.items():
            rows[name] = (len(masks), len(masks) + len(values), list(values))
            masks += [mask[:size] for mask in values.values()]
        if not masks:
            return rows, None
        return rows, np.vstack([packed(mask, size) for mask in masks])

    def counts(self, names, candidates, filter_masks, filters, packed_facets) -> dict:
        """Per facet (``names``, default all) and value, the candidates under the filters
        of the other facets; ``packed_facets``: :meth:`packed` of the current slots."""
        size = len(candidates)
        rows, bits = packed_facets
        counts: dict[str, dict[str, int]] = {}
        for name in names if names is not None else list(self.masks):
            mask = candidates
            for other, other_mask in filter_masks.items():
                if other != name:
                    mask = mask & other_mask
            values: dict[str, int] = {}
            if name in rows:
                first, end, value_names = rows[name]
                # Bits of every value of the facet against the mask's, 64 slots a word.
                per_value = np.bitwise_count(bits[first:end] & packed(mask, size)).sum(axis=1)
                for value, count in zip(value_names, per_value.tolist(), strict=True):
                    if count:
                        values[value] = count
            for value in filters.get(name, ()):
                values.setdefault(value, 0)  # a chosen filter stays visible
            counts[name] = dict(sorted(values.items(), key=lambda item: (-item[1], item[0])))
        return counts
