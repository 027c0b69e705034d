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
   *gemeente* both become *gemeent*. Tokens with digits or ``&`` are kept as is.
5. **Compound parts** (:mod:`compounds`): a compound adds the stems of its parts,
   so *armoedebestrijding* is indexed as armoedebestrijd, armoed and bestrijd.

The result for a word depends only on the word (not on the corpus), so stored
term counts stay valid; it is cached per distinct token.
"""

import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterator
from functools import cached_property, lru_cache

import Stemmer

from kennisschakel.text.compounds import MIN_PART_LENGTH, CompoundSplitter, ZipfLookup
from kennisschakel.text.folding import fold
from kennisschakel.text.lexicon import SHIPPED_WORD_ZIPF, Lexicon, dutch_lexicon, read_word_list

# Letters/digits, optionally joined by '&' to more letters/digits. Text is
# NFC-normalised first, so accents typed as combining marks stay inside words.
TOKEN_PATTERN = re.compile(r"[^\W_]+(?:&[^\W_]+)*")
WORD_CACHE_SIZE = 1 << 18
# The classic Snowball Dutch stemmer. PyStemmer 3's "dutch" is a newer, much more
# aggressive algorithm that strips ge- prefixes: it conflates gebied with bieden
# and reduces gezondheid to zon, which hurts precision in policy texts.
STEMMER_ALGORITHM = "dutch_porter"


class DutchAnalyzer:
    """Turns Dutch text into search terms; see the module docstring for the steps.

    ``lexicon`` maps known (folded) words to their Zipf frequency, for compound
    splitting; by default wordfreq's common Dutch words plus the shipped policy
    vocabulary (a plain set is accepted too: every word then counts as Zipf 3).
    Safe to share between threads.
    """

    def __init__(
        self,
        lexicon: Lexicon | set[str] | frozenset[str] | None = None,
        stopwords: frozenset[str] | set[str] | None = None,
        never_split: frozenset[str] | set[str] | None = None,
    ):
        if isinstance(lexicon, set | frozenset):
            lexicon = dict.fromkeys(lexicon, SHIPPED_WORD_ZIPF)
        self._lexicon = lexicon
        self.stopwords = frozenset(
            stopwords if stopwords is not None else read_word_list("stopwords_nl.txt")
        )
        never_split = (
            never_split if never_split is not None else read_word_list("compound_exceptions.txt")
        )
        self.splitter = CompoundSplitter(self.zipf, frozenset(never_split))
        self._local = threading.local()  # PyStemmer objects are not thread-safe
        self.word_terms = lru_cache(maxsize=WORD_CACHE_SIZE)(self._word_terms)
        self._fold = lru_cache(maxsize=WORD_CACHE_SIZE)(fold)

    @cached_property
    def lexicon(self) -> Lexicon:
        return self._lexicon if self._lexicon is not None else dutch_lexicon()

    @cached_property
    def synonyms(self):
        from kennisschakel.text.synonyms import SynonymTable

        return SynonymTable.load(self)

    # -- single words -------------------------------------------------------

    def zipf(self, word: str) -> float | None:
        """Zipf frequency of ``word`` (folded) as a possible compound part; None when
        it may not be one: unknown, shorter than MIN_PART_LENGTH, or a stop word."""
        if len(word) < MIN_PART_LENGTH or word in self.stopwords:
            return None
        return self.lexicon.get(word)

    def stem(self, word: str) -> str:
        stemmer = getattr(self._local, "stemmer", None)
        if stemmer is None:
            stemmer = self._local.stemmer = Stemmer.Stemmer(STEMMER_ALGORITHM)
        return stemmer.stemWord(word)

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

    def words(self, text: str) -> list[str]:
        """The normalised words of ``text`` in order, stop words left out."""
        normalised = map(self.normalise, TOKEN_PATTERN.findall(self.prepare(text)))
        return [word for word in normalised if word]

    def main_terms(self, text: str) -> tuple[str, ...]:
        """One term per word, in order (no compound parts): used for phrases."""
        return tuple(self.term(word) for word in self.words(text))

    def analyse(self, text: str) -> dict[str, int]:
        """Term counts of ``text``, compound parts included."""
        return self.analyse_with_length(text)[0]

    def analyse_with_length(self, text: str) -> tuple[dict[str, int], int]:
        """Term counts of ``text`` and its number of (non-stop) words."""
        counts: dict[str, int] = {}
        words = 0
        word_terms = self.word_terms
        get = counts.get
        for token, count in Counter(TOKEN_PATTERN.findall(self.prepare(text))).items():
            terms = word_terms(token)
            if terms:
                words += count
                for term in terms:
                    counts[term] = get(term, 0) + count
        return counts, words
