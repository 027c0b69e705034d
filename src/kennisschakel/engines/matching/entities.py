"""Names in a question: which municipalities, places abroad, networks and institutions it
names (issue 12). No Django.

A :class:`NameTable` holds every name a candidate goes by (``Candidate.names``: official
and common name, name variants, short name), folded into words the way the analyzer sees
them (:meth:`~kennisschakel.engines.text.analysis.DutchAnalyzer.name_words`). A name is found in
a text only as a whole sequence of words, the longest first at each position (*Wijk bij
Duurstede* before a shorter name starting with *wijk*), so a fragment of a name never
names anything: *wijk* is not Waalwijk, *palo* is not Palo Alto.

Names that are also ordinary Dutch words (``data/ambiguous_names.txt``: *Buren*, *Best*,
*Putten* …) count only when the question writes them with a capital letter.

Question filler (``data/question_filler.txt``): words that frame a question rather than
say what it is about (*gemeenten, ervaring, breder, inzetten, zoeken*); the matcher leaves
them out of the topic and out of its explanations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

from kennisschakel.engines.text.analysis import TOKEN_PATTERN, DutchAnalyzer

DATA = Path(__file__).resolve().parent / "data"
MIN_NAME_LENGTH = 3  # shorter single-word names (initials) are never recognised


def _word_list(name: str) -> frozenset[str]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@cache
def ambiguous_names() -> frozenset[str]:
    return _word_list("ambiguous_names.txt")


@cache
def filler_words() -> frozenset[str]:
    return _word_list("question_filler.txt")


class NameTable:
    """Folded names → candidate keys; finds the names a text contains."""

    def __init__(
        self,
        words_of: Callable[[str], tuple[str, ...]],
        stopwords: frozenset[str] = frozenset(),
        ambiguous: frozenset[str] | None = None,
    ):
        self._words_of = words_of
        self._stopwords = stopwords
        self._ambiguous = ambiguous_names() if ambiguous is None else ambiguous
        # first word → {words: keys}; key → its names' words (for removal)
        self._by_first: dict[str, dict[tuple[str, ...], set[str]]] = {}
        self._of_key: dict[str, set[tuple[str, ...]]] = {}

    def __len__(self) -> int:
        return len(self._of_key)

    def add(self, key: str, names: Iterable[str]) -> None:
        for name in names:
            words = self._words_of(name)
            if not words or all(word in self._stopwords for word in words):
                continue
            if len(words) == 1 and len(words[0]) < MIN_NAME_LENGTH:
                continue
            self._by_first.setdefault(words[0], {}).setdefault(words, set()).add(key)
            self._of_key.setdefault(key, set()).add(words)

    def remove(self, key: str) -> None:
        for words in self._of_key.pop(key, ()):
            options = self._by_first.get(words[0], {})
            keys = options.get(words, set())
            keys.discard(key)
            if not keys:
                options.pop(words, None)
            if not options:
                self._by_first.pop(words[0], None)

    def entries(self) -> list[tuple[str, str]]:
        """(folded name, key) pairs, sorted: what a saved matcher stores."""
        return sorted(
            (" ".join(words), key) for key, names in self._of_key.items() for words in names
        )

    def find(self, text: str) -> dict[str, str]:
        """Candidate key → the name as the text writes it, for every name in ``text``."""
        raw = TOKEN_PATTERN.findall(DutchAnalyzer.prepare(text or ""))
        tokens = [self._words_of(token) for token in raw]
        folded = [words[0] if words else "" for words in tokens]
        found: dict[str, str] = {}
        position, count = 0, len(folded)
        while position < count:
            step = 1
            options = self._by_first.get(folded[position])
            if options:
                for words in sorted(options, key=len, reverse=True):
                    end = position + len(words)
                    if tuple(folded[position:end]) != words:
                        continue
                    ambiguous = len(words) == 1 and words[0] in self._ambiguous
                    if ambiguous and not raw[position][:1].isupper():
                        continue  # "de buren", not Buren
                    written = " ".join(raw[position:end])
                    for key in sorted(options[words]):
                        found.setdefault(key, written)
                    step = len(words)
                    break
            position += step
        return found


def filler_terms(analyzer: DutchAnalyzer) -> frozenset[str]:
    """The stems of the question filler, as ``analyzer`` stems them."""
    return frozenset(analyzer.term(word) for word in filler_words())


@cache
def asked_type_words() -> tuple[dict[str, frozenset[str]], frozenset[str]]:
    """``data/asked_types.txt``: folded word → the candidate types it asks for, and the
    question cues after which it counts."""
    words: dict[str, set[str]] = {}
    cues: frozenset[str] = frozenset()
    for line in _word_list("asked_types.txt"):
        kind, _sep, listed = line.partition(":")
        if kind.strip() == "cues":
            cues = frozenset(listed.split())
            continue
        for word in listed.split():
            words.setdefault(word, set()).add(kind.strip())
    return {word: frozenset(kinds) for word, kinds in words.items()}, cues


ASK_WINDOW = 4  # a type word counts this many words after a cue at most
ASK_AFTER = "gezocht"  # "hogeschool gezocht"


def asked_types(words: tuple[str, ...]) -> frozenset[str]:
    """The candidate types a question asks for, from its folded words (stop words kept):
    the first type word (or compound ending in one) after each cue, and a type word right
    before "gezocht". See ``data/asked_types.txt``."""
    return asked_types_and_words(words)[0]


def asked_types_and_words(
    words: tuple[str, ...],
) -> tuple[frozenset[str], dict[str, str]]:
    """:func:`asked_types`, and the compounds among the words that asked for them, each
    with its modifier (*stedennetwerk* → *steden*, *plattelandsgemeente* →
    *plattelands*). The matcher searches the topic with the modifier instead of the
    compound: the head says what kind of suggestion is wanted (type_asked), and the whole
    compound matched only the register texts that literally say it ("internationaal
    stedennetwerk", a description without a subject) far above the ones about the
    question's subject. A bare type word (*netwerk*) stays in the topic: measured on the
    labelled set, dropping it too lost more (networks on climate and energy) than it
    gained."""
    table, cues = asked_type_words()

    def kinds_of(word: str) -> frozenset[str]:
        if word in table:
            return table[word]
        for known, kinds in table.items():
            if len(word) > len(known) + 2 and word.endswith(known):
                return kinds
        return frozenset()

    def modifier_of(word: str) -> str | None:
        # A compound ending in a type word: what it says besides the type
        # (plattelandsgemeente → plattelands, stedennetwerk → steden); None for a bare
        # type word.
        if word in table:
            return None
        for known in table:
            if len(word) > len(known) + 2 and word.endswith(known):
                return word[: -len(known)]
        return None

    found: set[str] = set()
    asking: dict[str, str] = {}

    def ask(word: str, kinds: frozenset[str]) -> None:
        found.update(kinds)
        modifier = modifier_of(word)
        if modifier:
            asking[word] = modifier

    for position, word in enumerate(words):
        following = words[position + 1 : position + 2]
        if following == (ASK_AFTER,) and kinds_of(word):
            ask(word, kinds_of(word))
        if word not in cues:
            continue
        for later in words[position + 1 : position + 1 + ASK_WINDOW]:
            kinds = kinds_of(later)
            if kinds:
                ask(later, kinds)
                break
    return frozenset(found), asking
