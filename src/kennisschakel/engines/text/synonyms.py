"""Synonym groups for query expansion, shipped as ``data/synonyms.yaml``.

Groups are symmetric: every member finds the others. ``narrower`` entries are
one-way: a broader term also finds its narrower terms (*onderwijs* finds
*universiteit*), never the other way round (a text on a *school* is about education,
a query for *school* is not a query for every kind of education), as in a thesaurus's
NT relation (ISO 25964-1 §8.3).

Members of a group are analysed into term sequences (one main term per word,
stop words left out), so that matching is insensitive to case, diacritics and
word endings. Matching happens on the query only; documents are indexed as
written.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import yaml

from kennisschakel.engines.text.lexicon import DATA_DIR

Phrase = tuple[str, ...]


@dataclass(frozen=True)
class SynonymMatch:
    length: int  # number of query terms covered
    others: tuple[Phrase, ...]  # the other members of the group, as term sequences


class SynonymTable:
    """Finds group members in a sequence of query terms, longest member first."""

    def __init__(
        self,
        groups: Iterable[Iterable[str]],
        analyzer,
        narrower: Mapping[str, Iterable[str]] | None = None,
    ):
        self.groups: list[tuple[Phrase, ...]] = []
        # phrase → the phrases it also finds (its fellow members, its narrower terms)
        self._others: dict[Phrase, dict[Phrase, None]] = {}
        for members in groups:
            phrases = tuple(dict.fromkeys(p for p in map(analyzer.main_terms, members) if p))
            if len(phrases) < 2:
                continue
            self.groups.append(phrases)
            for phrase in phrases:
                found = self._others.setdefault(phrase, {})
                found.update(dict.fromkeys(p for p in phrases if p != phrase))
        for broader, terms in (narrower or {}).items():
            phrase = analyzer.main_terms(broader)
            if not phrase:
                continue
            found = self._others.setdefault(phrase, {})
            narrower_phrases = (p for p in map(analyzer.main_terms, terms) if p and p != phrase)
            found.update(dict.fromkeys(narrower_phrases))
        self._by_first_term: dict[str, list[Phrase]] = {}
        for phrase in self._others:
            self._by_first_term.setdefault(phrase[0], []).append(phrase)
        for candidates in self._by_first_term.values():
            candidates.sort(key=lambda candidate: -len(candidate))

    @classmethod
    def load(cls, analyzer, path=None) -> "SynonymTable":
        data = yaml.safe_load((path or DATA_DIR / "synonyms.yaml").read_text(encoding="utf-8"))
        return cls(data.get("groups", []), analyzer, data.get("narrower") or {})

    def match(self, terms: Sequence[str], start: int) -> SynonymMatch | None:
        """The longest member (or broader term) that starts at ``terms[start]``, with
        what it also finds."""
        for phrase in self._by_first_term.get(terms[start], ()):
            if tuple(terms[start : start + len(phrase)]) == phrase:
                others = tuple(self._others[phrase])
                return SynonymMatch(len(phrase), others) if others else None
        return None
