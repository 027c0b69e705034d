"""Countries named in a Dutch question: *een Chinese stad* → ``{"CN"}``.

Plain data in: the caller passes the names and adjectives it knows, mapped to ISO 3166-1
alpha-2 codes (``{"china": "CN", "chinese": "CN", "verenigde staten": "US"}``); the
adapter builds that mapping from the register and its word list.

Rules: names and text are folded the same way (lower case, no diacritics, punctuation
and hyphens as spaces: ``fold_words``), and a name matches only as a whole sequence of
words, so *turks* is found in *een Turkse* only when the mapping holds *turkse*, and
*mali* never matches inside *somalie*. Where names overlap the longest wins at a
position (*guinee-bissau* before *guinee*); matched words are not reused.
"""

from __future__ import annotations

from collections.abc import Mapping

from kennisschakel.engines.text.folding import fold_words


def countries_in_text(text: str, country_names: Mapping[str, str]) -> frozenset[str]:
    """ISO2 codes of the countries whose names or adjectives occur in ``text``."""
    by_first_word: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for name, iso2 in country_names.items():
        words = tuple(fold_words(name).split())
        if words:
            by_first_word.setdefault(words[0], []).append((words, iso2.upper()))
    for options in by_first_word.values():
        options.sort(key=lambda option: (-len(option[0]), option[0]))

    tokens = fold_words(text or "").split()
    found: set[str] = set()
    position = 0
    while position < len(tokens):
        step = 1
        for words, iso2 in by_first_word.get(tokens[position], ()):
            if tuple(tokens[position : position + len(words)]) == words:
                found.add(iso2)
                step = len(words)
                break
        position += step
    return frozenset(found)
