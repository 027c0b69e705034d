"""A page of search results from per-slot scores: the order (strong matches first, then
by score, sort_key and id, so equal inputs give equal pages) and the query terms each
hit holds."""

import numpy as np


def top_slots(
    slots: np.ndarray,
    scores: np.ndarray,
    offset: int,
    limit: int,
    ids: np.ndarray,
    sort_keys: np.ndarray,
    strong: np.ndarray | None = None,
) -> np.ndarray:
    """The page of ``slots`` by score, then sort_key (desc), then id: deterministic.
    With ``strong`` (a mask per slot), the strong ones first."""
    wanted = offset + limit
    if wanted <= 0 or not len(slots):
        return slots[:0]
    if strong is not None:
        # The strong ones first: the best of them, then (when they do not fill
        # the page) the best of the rest.
        is_strong = strong[slots]
        strong_slots = slots[is_strong]
        first = top_slots(strong_slots, scores, 0, wanted, ids, sort_keys)
        if len(first) < wanted:
            rest = top_slots(slots[~is_strong], scores, 0, wanted - len(first), ids, sort_keys)
            first = np.concatenate([first, rest])
        return first[offset:wanted]
    values = scores[slots]
    if len(slots) > wanted:
        # Keep everything tied with the last wanted score, so ties resolve by key.
        threshold = np.partition(values, len(values) - wanted)[len(values) - wanted]
        keep = values >= threshold
        slots, values = slots[keep], values[keep]
    order = np.lexsort((ids[slots], -sort_keys[slots], -values))
    return slots[order][offset:wanted]


def matched_terms(page: np.ndarray, postings: dict) -> list[list[str]]:
    """Per slot of the page, the query terms it holds (one lookup per term)."""
    matched: list[list[str]] = [[] for _ in page]
    for term, found in postings.items():
        if found is None:
            continue
        slots = found[0]
        position = np.minimum(np.searchsorted(slots, page), len(slots) - 1)
        for row in np.flatnonzero(slots[position] == page):
            matched[row].append(term)
    return matched
