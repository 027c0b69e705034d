"""Dutch text analysis: from text to search terms.

One pipeline for documents and queries alike, so that what a searcher types
meets what an author wrote:

1. **Tokens**: runs of letters and digits. An ampersand between letters keeps
   a token whole (*W&I*, *B&W*) so that the synonym list can expand it; any
   other punctuation, including hyphens and apostrophes, separates tokens.
2. **Folding**: lower case without diacritics (:func:`folding.fold`), so
   *Ä*, *é* and *ë* match *a*, *e*, *e*.
3. **Stop words** (``data/stopwords_nl.txt``) and one-character tokens are dropped.
4. **Stemming** with the classic Snowball Dutch stemmer (PyStemmer): *gemeenten* and
   *gemeente* both become *gemeent*. A few words whose stem is that of an unrelated
   word keep a term of their own (``data/stem_overrides.txt``: the verb *zorgen* is
   no *zorg*). Tokens with digits or ``&`` are kept as is.
   Snowball leaves the plurals of words in *-ie* alone (*missies*, *categorieën*); they
   are first reduced to the singular (:func:`singular_ie`), so *missies* meets *missie*.
5. **Compound parts** (:mod:`compounds`): a compound adds the stems of its parts,
   so *armoedebestrijding* is indexed as armoedebestrijd, armoed and bestrijd.
6. **Name protection** (optional, ``names``): proper names (municipalities, places
   abroad, organisations) are never split into parts, so *Waalwijk* is no match for
   *wijk*; a name of several words (*Wijk bij Duurstede*, *Palo Alto*) becomes one
   term (its folded words joined by a space, which no ordinary word can produce), so
   it matches only as a whole name and never through one of its words — not even the
   names among them (*Bergen op Zoom* is not *Bergen*, *Midden-Drenthe* not *Drenthe*).

The result for a word depends only on the word and the protected names (not on the
corpus), so stored term counts stay valid while :attr:`DutchAnalyzer.signature` (the
analysis version and the names) is unchanged; it is cached per distinct token.
"""

import hashlib
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import cached_property, lru_cache

import Stemmer

from kennisschakel.engines.text.compounds import MIN_PART_LENGTH, CompoundSplitter, ZipfLookup
from kennisschakel.engines.text.folding import fold
from kennisschakel.engines.text.lexicon import (
    DATA_DIR,
    SHIPPED_WORD_ZIPF,
    Lexicon,
    dutch_lexicon,
    read_word_list,
)

# Letters/digits, optionally joined by '&' to more letters/digits. Text is
# NFC-normalised first, so accents typed as combining marks stay inside words.
TOKEN_PATTERN = re.compile(r"[^\W_]+(?:&[^\W_]+)*")
WORD_CACHE_SIZE = 1 << 18
# Joins the words of a multi-word name into one term; tokens never contain it.
NAME_JOIN = " "
# The classic Snowball Dutch stemmer. PyStemmer 3's "dutch" is a newer, much more
# aggressive algorithm that strips ge- prefixes: it conflates gebied with bieden
# and reduces gezondheid to zon, which hurts precision in policy texts.
STEMMER_ALGORITHM = "dutch_porter"
# Bumped whenever the terms a word yields change (stored term counts are then analysed
# again when an index is built; see DutchAnalyzer.signature).
ANALYSIS_VERSION = 4
# Plurals of words in -ie that Snowball does not stem: missies, categorieen (folded).
MIN_IE_PLURAL_LENGTH = 6


def read_stem_overrides(name: str = "stem_overrides.txt") -> dict[str, str]:
    """Word → term pairs from ``data/<name>`` (one pair a line, '#' comments): words
    whose Snowball stem is that of an unrelated word (*zorgen* the verb → *zorg*)."""
    overrides = {}
    for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
        fields = line.split("#", 1)[0].split()
        if len(fields) == 2:
            overrides[fold(fields[0])] = fold(fields[1])
    return overrides


def singular_ie(word: str) -> str:
    """The singular of a (folded) plural of a word in *-ie*: missies → missie,
    categorieen → categorie; any other word as it is. Short words are left alone
    (*vries*, *bries* are no plurals)."""
    if len(word) >= MIN_IE_PLURAL_LENGTH:
        if word.endswith("ies"):
            return word[:-1]
        if word.endswith("ieen"):
            return word[:-2]
    return word


class DutchAnalyzer:
    """Turns Dutch text into search terms; see the module docstring for the steps.

    ``lexicon`` maps known (folded) words to their Zipf frequency, for compound
    splitting; by default wordfreq's common Dutch words plus the shipped policy
    vocabulary (a plain set is accepted too: every word then counts as Zipf 3).
    ``names``: proper names to protect (step 6); none by default. Safe to share
    between threads.
    """

    def __init__(
        self,
        lexicon: Lexicon | set[str] | frozenset[str] | None = None,
        stopwords: frozenset[str] | set[str] | None = None,
        never_split: frozenset[str] | set[str] | None = None,
        names: Iterable[str] = (),
    ):
        if isinstance(lexicon, set | frozenset):
            lexicon = dict.fromkeys(lexicon, SHIPPED_WORD_ZIPF)
        self._lexicon = lexicon
        self.stopwords = frozenset(
            stopwords if stopwords is not None else read_word_list("stopwords_nl.txt")
        )
        never_split = frozenset(
            never_split if never_split is not None else read_word_list("compound_exceptions.txt")
        )
        self._never_split = never_split
        self._fold = lru_cache(maxsize=WORD_CACHE_SIZE)(fold)
        self._stem_overrides = read_stem_overrides()
        # Name protection: single-word names are never split; multi-word names by their
        # folded first word, longest first (merged by _merge_names).
        single: set[str] = set()
        self._multi_names: dict[str, list[tuple[str, ...]]] = {}
        self._name_display: dict[str, str] = {}
        self.names: tuple[str, ...] = tuple(dict.fromkeys(names))
        for name in self.names:
            words = self.name_words(name)
            if len(words) == 1:
                single.add(words[0])
                if words[0] not in self.stopwords:
                    self._name_display.setdefault(words[0], name)
            elif len(words) > 1:
                self._name_display.setdefault(NAME_JOIN.join(words), name)
                options = self._multi_names.setdefault(words[0], [])
                if words not in options:
                    options.append(words)
        for options in self._multi_names.values():
            options.sort(key=lambda words: (-len(words), words))
        self.splitter = CompoundSplitter(self.zipf, never_split | single)
        self._local = threading.local()  # PyStemmer objects are not thread-safe
        self.word_terms = lru_cache(maxsize=WORD_CACHE_SIZE)(self._word_terms)

    def with_names(self, names: Iterable[str]) -> "DutchAnalyzer":
        """An analyzer like this one (same lexicon, stop words, exceptions) that also
        protects ``names`` (step 6)."""
        return DutchAnalyzer(
            lexicon=self._lexicon if self._lexicon is not None else self.lexicon,
            stopwords=self.stopwords,
            never_split=self._never_split,
            names=names,
        )

    # -- proper names ---------------------------------------------------------

    def name_words(self, name: str) -> tuple[str, ...]:
        """The folded words of a name as the analyzer sees them: 'Wijk bij Duurstede' →
        ('wijk', 'bij', 'duurstede'); stop words kept (they are part of the name)."""
        return tuple(self._fold(token) for token in TOKEN_PATTERN.findall(self.prepare(name)))

    def name_term(self, name: str) -> str:
        """The one term a protected name is indexed as (its stem when a single word)."""
        words = self.name_words(name)
        if len(words) == 1:
            return self.term(words[0]) if words[0] not in self.stopwords else ""
        return NAME_JOIN.join(words)

    def name_display(self, term: str) -> str:
        """A protected name's (normalised) word as the name is written ('palo alto' →
        'Palo Alto', 'dalian' → 'Dalian'); any other word as it is."""
        return self._name_display.get(term, term)

    def _merge_names(self, tokens: list[str]) -> list[str]:
        """``tokens`` with every known multi-word name joined into one token."""
        multi = self._multi_names
        if not multi:
            return tokens
        folded = [self._fold(token) for token in tokens]
        if multi.keys().isdisjoint(folded):
            return tokens
        merged = []
        position, count = 0, len(tokens)
        while position < count:
            for words in multi.get(folded[position], ()):
                end = position + len(words)
                if tuple(folded[position:end]) == words:
                    merged.append(NAME_JOIN.join(words))
                    position = end
                    break
            else:
                merged.append(tokens[position])
                position += 1
        return merged

    @cached_property
    def lexicon(self) -> Lexicon:
        return self._lexicon if self._lexicon is not None else dutch_lexicon()

    @cached_property
    def synonyms(self):
        from kennisschakel.engines.text.synonyms import SynonymTable

        return SynonymTable.load(self)

    # -- single words -------------------------------------------------------

    def zipf(self, word: str) -> float | None:
        """Zipf frequency of ``word`` (folded) as a possible compound part; None when
        it may not be one: unknown, shorter than MIN_PART_LENGTH, or a stop word."""
        if len(word) < MIN_PART_LENGTH or word in self.stopwords:
            return None
        return self.lexicon.get(word)

    def stem(self, word: str) -> str:
        override = self._stem_overrides.get(word)
        if override is not None:
            return override
        stemmer = getattr(self._local, "stemmer", None)
        if stemmer is None:
            stemmer = self._local.stemmer = Stemmer.Stemmer(STEMMER_ALGORITHM)
        return stemmer.stemWord(singular_ie(word))

    @cached_property
    def signature(self) -> str:
        """Identifies what this analyzer makes of a text: the analysis version and the
        protected names. Term counts stored under another signature are stale."""
        digest = hashlib.sha1(usedforsecurity=False)
        for name in sorted(self.names):
            digest.update(name.encode())
            digest.update(b"\n")
        return f"{ANALYSIS_VERSION}:{digest.hexdigest()[:16]}"

    def normalise(self, token: str) -> str:
        """Folded form of a raw token; '' when it is a stop word or too short."""
        word = self._fold(token)
        if len(word) < 2 or word in self.stopwords:
            return ""
        return word

    def term(self, word: str) -> str:
        """The main term of a normalised word: its stem, or the word itself when
        it holds digits or '&' (codes, years, W&I)."""
        if word.isalpha():
            return self.stem(word)
        return word

    def _word_terms(self, token: str) -> tuple[str, ...]:
        """Terms for one raw token: the main term, then the stems of compound parts."""
        word = self.normalise(token)
        if not word:
            return ()
        if NAME_JOIN in word:
            # A name of several words is one term, never its words: not even the names
            # among them (*Bergen op Zoom* is not Bergen, *Midden-Drenthe* not Drenthe).
            return (word,)
        terms = [self.term(word)]
        for part in self.splitter.parts(word):
            part_term = self.stem(part)
            if part_term not in terms:
                terms.append(part_term)
        return tuple(terms)

    def compound_alternatives(
        self, word: str, extra: ZipfLookup | None = None
    ) -> list[tuple[str, ...]]:
        """Ways to search for a (normalised) compound as separate terms: its top split
        and, when deeper, its smallest parts. Empty for a word that is no compound."""
        split = self.splitter.split(word, extra)
        if split is None:
            return []
        alternatives = [tuple(self.stem(part) for part in split)]
        leaves = self.splitter.leaves(word, extra)
        if len(leaves) > 2:
            alternatives.append(tuple(self.stem(part) for part in leaves))
        return alternatives

    # -- running text -------------------------------------------------------

    @staticmethod
    def prepare(text: str) -> str:
        """NFC form of ``text`` (a no-op for ASCII), so tokens include their accents."""
        return text if text.isascii() else unicodedata.normalize("NFC", text)

    def token_spans(self, text: str) -> Iterator[re.Match]:
        """Raw tokens with their positions in ``text``; pass ``prepare(text)`` so the
        positions fit the text that is shown (for highlighting)."""
        return TOKEN_PATTERN.finditer(text)

    def term_spans(self, text: str) -> Iterator[tuple[int, int, tuple[str, ...]]]:
        """(start, end, terms) of each word of ``text`` (pass ``prepare(text)``), a
        protected name of several words as one span with its one term: what a snippet
        marks."""
        spans = list(TOKEN_PATTERN.finditer(text))
        multi = self._multi_names
        position, count = 0, len(spans)
        while position < count:
            token = spans[position]
            options = multi.get(self._fold(token.group()), ()) if multi else ()
            for words in options:
                end = position + len(words)
                folded = tuple(self._fold(span.group()) for span in spans[position:end])
                if folded == words:
                    yield token.start(), spans[end - 1].end(), (NAME_JOIN.join(words),)
                    position = end
                    break
            else:
                yield token.start(), token.end(), self.word_terms(token.group())
                position += 1

    def words(self, text: str) -> list[str]:
        """The normalised words of ``text`` in order, stop words left out."""
        tokens = self._merge_names(TOKEN_PATTERN.findall(self.prepare(text)))
        return [word for word in map(self.normalise, tokens) if word]

    def main_terms(self, text: str) -> tuple[str, ...]:
        """One term per word, in order (no compound parts): used for phrases."""
        return tuple(self.term(word) for word in self.words(text))

    def analyse(self, text: str) -> dict[str, int]:
        """Term counts of ``text``, compound parts included."""
        return self.analyse_with_length(text)[0]

    def analyse_with_length(self, text: str) -> tuple[dict[str, int], int]:
        """Term counts of ``text`` and its number of (non-stop) words."""
        counts, words, _whole = self.analyse_parts(text)
        return counts, words

    def analyse_parts(self, text: str) -> tuple[dict[str, int], int, set[str]]:
        """Term counts of ``text``, its number of (non-stop) words, and the terms that
        occur as a word's own (main) term; the others occur only as compound parts
        (the *zorg* of a text that only says *jeugdzorg*)."""
        counts: dict[str, int] = {}
        whole: set[str] = set()
        words = 0
        word_terms = self.word_terms
        get = counts.get
        tokens = self._merge_names(TOKEN_PATTERN.findall(self.prepare(text)))
        for token, count in Counter(tokens).items():
            terms = word_terms(token)
            if terms:
                words += count
                whole.add(terms[0])
                for term in terms:
                    counts[term] = get(term, 0) + count
        return counts, words, whole
