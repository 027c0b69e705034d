"""English questions against Dutch texts: a bilingual lexicon and query translation.

The knowledge bank and the matchmaking index are Dutch. An English question
("youth care for refugees in small towns") is turned into the Dutch query a Dutch
officer would type ("jeugdzorg vluchtelingen klein stad") before it is searched:

1. **Tokens**: runs of letters and digits; hyphens and other punctuation separate
   words (*cross-border* → cross, border), a possessive *'s* is dropped.
2. **Normalising**: folded (lower case, no diacritics) and American spellings
   made British (*neighborhood* → neighbourhood, *organization* → organisation).
3. **Stop words and question filler** (``data/stopwords_en.txt``) are dropped.
4. **Phrases first**: at each position the longest lexicon entry that starts there
   wins (*youth care* before *youth* + *care*, *knowledge economy* before
   *knowledge*). An entry matches on the words as written or, failing that, on
   their English Snowball stems (PyStemmer), so *refugees* finds *refugee* and
   *municipalities* finds *municipality*.
5. Words the lexicon does not know are kept as typed: names (*Palo Alto*,
   *Dalian*) and Dutch words in a mixed question still reach the index, and so do
   English words that an English summary (``Practice.summary_en``) may contain.

The lexicon (``data/bilingual_en_nl.tsv``) is data with a source per entry; see
the header of that file. This module has no Django: the adapters decide when a
question is English (the interface language, or :func:`looks_english`).
"""

import csv
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import Stemmer
import yaml

from kennisschakel.engines.text.folding import fold
from kennisschakel.engines.text.lexicon import DATA_DIR, read_word_list

LEXICON_FILE = DATA_DIR / "bilingual_en_nl.tsv"
STOPWORDS_FILE = "stopwords_en.txt"
NOT_ENGLISH_FILE = "bilingual_not_english.txt"
COLUMNS = ("group", "english", "dutch", "source_nl", "source_en")
GROUPS = ("domain", "instrument", "term", "country")
ALTERNATIVES_SEPARATOR = "|"  # in the dutch column: more than one Dutch rendering

# Letters/digits, with an optional possessive ('s) that is dropped.
TOKEN_PATTERN = re.compile(r"([^\W_]+)(?:['’]s\b)?")

# English-only function words: frequent in English questions, never Dutch words. One of
# them in a question is the evidence looks_english() needs besides a lexicon entry.
ENGLISH_MARKERS = frozenset(
    [
        "the",
        "of",
        "and",
        "for",
        "with",
        "how",
        "what",
        "which",
        "who",
        "whom",
        "our",
        "we",
        "you",
        "your",
        "their",
        "they",
        "can",
        "could",
        "should",
        "would",
        "does",
        "did",
        "has",
        "have",
        "about",
        "from",
        "into",
        "this",
        "these",
        "those",
        "there",
        "where",
        "when",
        "why",
        "any",
        "some",
        "other",
        "already",
        "are",
        "were",
        "been",
        "being",
        "to",
        "on",
        "at",
        "by",
        "or",
        "it",
        "its",
    ]
)

# American → British, whole words (suffixes -ize/-ization are handled by pattern).
_AMERICAN = {
    "neighborhood": "neighbourhood",
    "neighborhoods": "neighbourhoods",
    "neighboring": "neighbouring",
    "labor": "labour",
    "center": "centre",
    "centers": "centres",
    "program": "programme",
    "programs": "programmes",
    "counseling": "counselling",
    "defense": "defence",
    "behavior": "behaviour",
    "councilor": "councillor",
    "councilors": "councillors",
    "catalog": "catalogue",
    "organized": "organised",
}
_IZE = re.compile(r"(?<=[a-z]{3})iz(e|es|ed|ing|ation|ations)$")


@dataclass(frozen=True)
class Entry:
    group: str
    english: str
    dutch: tuple[str, ...]  # Dutch renderings, the first is used in a rewritten query
    source_nl: str
    source_en: str
    line: int = 0


@dataclass(frozen=True)
class Piece:
    """One stretch of the question: a lexicon entry, or a word the lexicon lacks."""

    text: str  # as typed (words joined by one space)
    entry: Entry | None = None

    @property
    def dutch(self) -> tuple[str, ...]:
        return self.entry.dutch if self.entry else ()


@dataclass(frozen=True)
class TranslatedQuery:
    original: str
    text: str  # what to search: the Dutch query, or the original when nothing changed
    pieces: tuple[Piece, ...] = ()

    @property
    def changed(self) -> bool:
        return self.text != self.original

    @property
    def translated(self) -> list[tuple[str, str]]:
        """(English as typed, Dutch) for every translated stretch, e.g. to tell the user."""
        return [(p.text, p.dutch[0]) for p in self.pieces if p.entry is not None]


def normalise(word: str) -> str:
    """Folded, British spelling."""
    word = fold(word)
    word = _AMERICAN.get(word, word)
    return _IZE.sub(lambda m: "is" + m.group(1), word)


class BilingualLexicon:
    """English → Dutch entries, looked up by phrase (longest first). Thread-safe."""

    def __init__(
        self,
        entries: Iterable[Entry],
        stopwords: Iterable[str] = (),
        not_english: Iterable[str] = (),
        dutch_synonym_groups: Iterable[Sequence[str]] = (),
    ):
        self.entries: list[Entry] = list(entries)
        self.stopwords = frozenset(normalise(w) for w in stopwords)
        self.not_english = frozenset(fold(w) for w in not_english)
        # Dutch synonym groups (data/synonyms.yaml), so that a translation per concept
        # is as wide as the same word typed in Dutch: folded member → the other members.
        self.dutch_synonyms: dict[str, tuple[str, ...]] = {}
        for group in dutch_synonym_groups:
            for member in group:
                others = tuple(m for m in group if fold(m) != fold(member))
                self.dutch_synonyms.setdefault(fold(member), others)
        self._local = threading.local()  # PyStemmer objects are not thread-safe
        self._by_words: dict[tuple[str, ...], Entry] = {}
        self._by_stems: dict[tuple[str, ...], Entry] = {}
        self.longest = 1
        # Dutch rendering (folded words, Dutch stop words left out) → English phrases.
        dutch_stopwords = read_word_list("stopwords_nl.txt")
        self._by_dutch: dict[tuple[str, ...], list[str]] = {}
        for entry in self.entries:
            for dutch in entry.dutch:
                key = tuple(
                    w for w in fold(dutch).replace("-", " ").split() if w not in dutch_stopwords
                )
                if key and key != tuple(fold(entry.english).replace("-", " ").split()):
                    self._by_dutch.setdefault(key, []).append(entry.english)
        for entry in self.entries:
            words = tuple(self.words(entry.english))
            if not words:
                continue
            self.longest = max(self.longest, len(words))
            self._by_words.setdefault(words, entry)
            # On a stem collision (integration / integrity) the earlier line wins for
            # forms that match neither as written: the file's order is the tie-break.
            self._by_stems.setdefault(tuple(map(self.stem, words)), entry)

    @classmethod
    def load(cls, path: Path | None = None) -> "BilingualLexicon":
        synonyms = yaml.safe_load((DATA_DIR / "synonyms.yaml").read_text(encoding="utf-8"))
        return cls(
            read_entries(path),
            read_word_list(STOPWORDS_FILE),
            read_word_list(NOT_ENGLISH_FILE),
            (synonyms or {}).get("groups", []),
        )

    # -- words ------------------------------------------------------------

    def stem(self, word: str) -> str:
        stemmer = getattr(self._local, "stemmer", None)
        if stemmer is None:
            stemmer = self._local.stemmer = Stemmer.Stemmer("english")
        return stemmer.stemWord(word)

    def tokens(self, text: str) -> list[tuple[str, str]]:
        """(as typed, normalised) for every word of ``text``, stop words left out."""
        result = []
        for match in TOKEN_PATTERN.finditer(text):
            raw = match.group(1)
            word = normalise(raw)
            if word and word not in self.stopwords:
                result.append((raw, word))
        return result

    def words(self, text: str) -> list[str]:
        return [word for _raw, word in self.tokens(text)]

    # -- lookup -----------------------------------------------------------

    def lookup(self, words: Sequence[str]) -> Entry | None:
        """The entry for exactly these normalised words (as written, else by stems)."""
        key = tuple(words)
        entry = self._by_words.get(key)
        if entry is None:
            entry = self._by_stems.get(tuple(map(self.stem, key)))
        return entry

    def segment(self, tokens: Sequence[tuple[str, str]]) -> list[Piece]:
        """Split (typed, normalised) tokens into pieces, longest entry first."""
        pieces = []
        position = 0
        words = [word for _raw, word in tokens]
        while position < len(tokens):
            for length in range(min(self.longest, len(tokens) - position), 0, -1):
                entry = self.lookup(words[position : position + length])
                if entry is not None:
                    break
            else:
                length, entry = 1, None
            typed = " ".join(raw for raw, _word in tokens[position : position + length])
            pieces.append(Piece(typed, entry))
            position += length
        return pieces

    def english_to_dutch(self, terms: str | Iterable[str]) -> list[Piece]:
        """Pieces of an English text (or of a list of words): each known phrase or word
        with its Dutch renderings, unknown words as they are. Stop words are dropped."""
        text = terms if isinstance(terms, str) else " ".join(terms)
        return self.segment(self.tokens(text))

    def dutch_translations(self, words: Sequence[str]) -> list[str]:
        """Dutch renderings of exactly this run of query words, or [] — the per-concept
        hook of query parsing (``kennisschakel.engines.text.query.translations``).

        Runs on every query, Dutch ones too, so it is strict: the whole run must be one
        lexicon entry; a run may hold stop words inside (*poverty and debt*) but not
        start or end with one (those stay out of the concept); a Dutch word that only
        looks English (``data/bilingual_not_english.txt``: *elders*, *arts*) is never
        translated; an entry whose Dutch is the word itself (*water*) adds nothing.
        """
        normalised = [normalise(word) for word in words]
        if not normalised or normalised[0] in self.stopwords or normalised[-1] in self.stopwords:
            return []
        kept = [word for word in normalised if word not in self.stopwords]
        if len(kept) == 1 and fold(words[0]) in self.not_english:
            return []
        entry = self.lookup(kept)
        if entry is None:
            return []
        typed = " ".join(kept)
        renderings = [*entry.dutch]
        for dutch in entry.dutch:  # jeugdzorg → jeugdhulp too, as a Dutch query would
            renderings.extend(self.dutch_synonyms.get(fold(dutch), ()))
        return [d for d in dict.fromkeys(renderings) if normalise(d) != typed]

    def english_translations(self, words: Sequence[str]) -> list[str]:
        """English phrases for exactly this run of Dutch query words (folded, as the
        Dutch analyser gives them), or []: so that a Dutch (or translated) query also
        finds an English summary. Exact words only, no stemming."""
        return list(self._by_dutch.get(tuple(fold(word) for word in words), ()))

    def translations(self, words: Sequence[str]) -> list[str]:
        """Both directions for the query-parsing hook: Dutch for an English run,
        else English for a Dutch run."""
        return self.dutch_translations(words) or self.english_translations(words)

    def without_filler(self, query: str) -> str:
        """``query`` without English stop words and question filler, words as typed."""
        return " ".join(raw for raw, _word in self.tokens(query))

    # -- questions --------------------------------------------------------

    def looks_english(self, text: str) -> bool:
        """Whether ``text`` reads as English although the interface is Dutch.

        Needs a lexicon entry whose English differs from its Dutch, plus either an
        English-only function word (*the*, *of*, *how* …) or such entries making up
        most of the question's words, at least two. One word alone never counts: *arts* or *data*
        could be Dutch just as well.
        """
        raw_words = [fold(m.group(1)) for m in TOKEN_PATTERN.finditer(text)]
        if len(raw_words) < 2:
            return False
        markers = sum(word in ENGLISH_MARKERS for word in raw_words)
        pieces = self.segment(self.tokens(text))
        english = [p for p in pieces if p.entry and fold(p.text) not in map(fold, p.dutch)]
        if not english:
            return False
        english_words = sum(len(piece.text.split()) for piece in english)
        all_words = sum(len(piece.text.split()) for piece in pieces)
        return markers > 0 or english_words >= 2 and 2 * english_words > all_words

    def translate(
        self, query: str, language: str | None = None, keep_english: bool = False
    ) -> TranslatedQuery:
        """The Dutch query for ``query``: its known English phrases in Dutch, its other
        words as typed, English stop words and question filler left out. ``language``
        is the interface language ("en" translates whenever the lexicon knows a word);
        otherwise only a question that :meth:`looks_english` is translated. A query
        with no English in it comes back unchanged.

        ``keep_english``: leave the English words in place and only drop the stop words
        and filler, for when query parsing adds the Dutch per concept itself
        (:meth:`dutch_translations` plugged into ``text.query.translations``): then an
        English summary matches the words as typed and a Dutch text their translation.
        """
        english_interface = (language or "").lower().startswith("en")
        if not query.strip() or not (english_interface or self.looks_english(query)):
            return TranslatedQuery(query, query)
        tokens = self.tokens(query)
        pieces = tuple(self.segment(tokens))
        if not any(piece.entry for piece in pieces):
            return TranslatedQuery(query, query, pieces)
        if keep_english:
            text = " ".join(piece.text for piece in pieces)
        else:
            text = " ".join(piece.dutch[0] if piece.entry else piece.text for piece in pieces)
        return TranslatedQuery(query, text, pieces)


def read_entries(path: Path | None = None) -> list[Entry]:
    """The lexicon's entries in file order; '#' lines are comments, the first other
    line names the columns. Raises ValueError on a malformed line."""
    path = path or LEXICON_FILE
    entries = []
    header_seen = False
    with path.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE), 1):
            if not row or row[0].startswith("#"):
                continue
            if not header_seen:
                if tuple(row) != COLUMNS:
                    raise ValueError(f"{path.name}:{number}: expected the columns {COLUMNS}")
                header_seen = True
                continue
            if len(row) != len(COLUMNS) or not all(value.strip() for value in row):
                raise ValueError(f"{path.name}:{number}: five non-empty tab-separated fields")
            group, english, dutch, source_nl, source_en = (value.strip() for value in row)
            if group not in GROUPS:
                raise ValueError(f"{path.name}:{number}: unknown group {group!r}")
            renderings = tuple(d.strip() for d in dutch.split(ALTERNATIVES_SEPARATOR) if d.strip())
            entries.append(Entry(group, english, renderings, source_nl, source_en, number))
    return entries


@cache
def default_lexicon() -> BilingualLexicon:
    """The shipped lexicon, loaded once per process."""
    return BilingualLexicon.load()


def english_to_dutch(terms: str | Iterable[str]) -> list[Piece]:
    """Pieces of an English text with their Dutch renderings (shipped lexicon)."""
    return default_lexicon().english_to_dutch(terms)


def translate_query(
    query: str, language: str | None = None, keep_english: bool = False
) -> TranslatedQuery:
    """The Dutch query for an English question (shipped lexicon); see
    :meth:`BilingualLexicon.translate`. Use ``.text`` as the query to search."""
    return default_lexicon().translate(query, language, keep_english)


def looks_english(text: str) -> bool:
    return default_lexicon().looks_english(text)


def translations(words: Sequence[str]) -> list[str]:
    """THE hook for ``kennisschakel.engines.text.query.translations`` (shipped lexicon): for a
    run of query words, Dutch phrases when it is English, English phrases when it is
    Dutch (so English summaries are found too); see :meth:`BilingualLexicon.translations`."""
    return default_lexicon().translations(words)


def dutch_translations(words: Sequence[str]) -> list[str]:
    """The hook for ``kennisschakel.engines.text.query.translations`` (shipped lexicon): Dutch
    phrases for exactly this run of query words; see
    :meth:`BilingualLexicon.dutch_translations`."""
    return default_lexicon().dutch_translations(words)
