"""Synonym groups for query expansion, shipped as ``data/synonyms.yaml``.

Members of a group are analysed into term sequences (one main term per word,
stop words left out), so that matching is insensitive to case, diacritics and
word endings. Matching happens on the query only; documents are indexed as
written.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import yaml

from kennisschakel.text.lexicon import DATA_DIR

Phrase = tuple[str, ...]


@dataclass(frozen=True)
class SynonymMatch:
    length: int  # number of query terms covered
    others: tuple[Phrase, ...]  # the other members of the group, as term sequences


class SynonymTable:
    """Finds group members in a sequence of query terms, longest member first."""

    def __init__(self, groups: Iterable[Iterable[str]], analyzer):
        self.groups: list[tuple[Phrase, ...]] = []
        self._by_first_term: dict[str, list[tuple[Phrase, int]]] = {}
        for members in groups:
            phrases = tuple(dict.fromkeys(p for p in map(analyzer.main_terms, members) if p))
            if len(phrases) < 2:
                continue
            group = len(self.groups)
            self.groups.append(phrases)
            for phrase in phrases:
                self._by_first_term.setdefault(phrase[0], []).append((phrase, group))
        for candidates in self._by_first_term.values():
            candidates.sort(key=lambda candidate: -len(candidate[0]))

    @classmethod
    def load(cls, analyzer, path=None) -> "SynonymTable":
        data = yaml.safe_load((path or DATA_DIR / "synonyms.yaml").read_text(encoding="utf-8"))
        return cls(data.get("groups", []), analyzer)

    def match(self, terms: Sequence[str], start: int) -> SynonymMatch | None:
        """The longest member that starts at ``terms[start]``, with its fellow members."""
        for phrase, group in self._by_first_term.get(terms[start], ()):
            if tuple(terms[start : start + len(phrase)]) == phrase:
                others = tuple(p for p in self.groups[group] if p != phrase)
                return SynonymMatch(len(phrase), others)
        return None
