"""Splitting Dutch compounds into known words.

Dutch writes compounds as one word (*armoedebestrijding*), while a text may say
the same thing in a phrase (*bestrijding van armoede*). Indexing a compound also
as its parts lets either form find the other.

Rules (deliberately conservative: a wrong split adds noise to every document
that contains the word):

* Only alphabetic words of ``2 * MIN_PART_LENGTH`` to ``MAX_WORD_LENGTH``
  letters are split, and never those in ``data/compound_exceptions.txt``.
* Every part has at least ``MIN_PART_LENGTH`` (4) letters and is a known word
  (see :mod:`kennisschakel.engines.text.lexicon`) or itself a compound of known words.
  Stop words are never parts, which keeps *onderwijs* from becoming onder + wijs.
* Between two parts a linking morpheme may stand: -s- (verslaving-s-zorg),
  -e- or -en-; the head is then the word without it.
* Of the possible binary splits the best is the one whose halves are both
  words outright, then the one with the highest mean Zipf frequency of its
  halves (the geometric mean of their frequencies, after Koehn & Knight 2003),
  then the longest tail, then a bare head: *schuld* + *hulpverlening* beats
  *schuldhulp* + *verlening*, *warmte* + transitie beats *warmt* + -e- + transitie.
* A word that is itself in the lexicon is only split when its halves are, on
  average, at least as frequent as the word: *jeugdzorg* (3.7) splits into
  jeugd (4.9) + zorg (5.4), but *verslaving* (3.7) stays whole rather than
  becoming versla (2.9) + ving (3.4).
* The halves are split again, recursively, so *hulpverlening* also yields
  *hulp* + *verlening*.
"""

from collections.abc import Callable
from functools import lru_cache

MIN_PART_LENGTH = 4
MAX_WORD_LENGTH = 40  # longer "words" are codes or glued-together junk
LINKING_MORPHEMES = ("s", "e", "en")

Split = tuple[str, str]
# A part's Zipf frequency, or None when it is not a known word.
ZipfLookup = Callable[[str], float | None]


class CompoundSplitter:
    """Finds the parts of a compound, given the Zipf frequencies of known words.

    ``zipf`` must return None for anything that may not be a part (unknown,
    shorter than ``MIN_PART_LENGTH``, a stop word). Splits against that static
    vocabulary are cached; splits that also consult an ``extra`` vocabulary
    (the indexed corpus, at query time) are computed afresh.
    """

    def __init__(
        self,
        zipf: ZipfLookup,
        never_split: frozenset[str] = frozenset(),
        cache_size: int = 1 << 17,
    ):
        self._zipf = zipf
        self._never_split = never_split
        self._static_split = lru_cache(maxsize=cache_size)(self._split_static)

    # -- public -------------------------------------------------------------

    def split(self, word: str, extra: ZipfLookup | None = None) -> Split | None:
        """The best (head, tail) split of ``word``, or None when it is no compound."""
        if extra is None:
            return self._static_split(word)
        memo: dict[str, Split | None] = {}

        def zipf(part: str) -> float | None:
            known = self._zipf(part)
            return known if known is not None else extra(part)

        def split(part: str) -> Split | None:
            if part not in memo:
                memo[part] = self._best_split(part, zipf, split)
            return memo[part]

        return split(word)

    def parts(self, word: str, extra: ZipfLookup | None = None) -> tuple[str, ...]:
        """Every part at every level: schuldhulpverlening → schuld, hulpverlening,
        hulp, verlening. Empty when ``word`` is no compound."""
        found: list[str] = []
        pending = [word]
        while pending:
            split = self.split(pending.pop(0), extra)
            if split is None:
                continue
            for part in split:
                if part not in found:
                    found.append(part)
                    pending.append(part)
        return tuple(found)

    def leaves(self, word: str, extra: ZipfLookup | None = None) -> tuple[str, ...]:
        """The smallest parts, in order: schuldhulpverlening → schuld, hulp, verlening."""
        split = self.split(word, extra)
        if split is None:
            return (word,)
        return self.leaves(split[0], extra) + self.leaves(split[1], extra)

    # -- the search for a split --------------------------------------------

    def _split_static(self, word: str) -> Split | None:
        return self._best_split(word, self._zipf, self._static_split)

    def _best_split(
        self, word: str, zipf: ZipfLookup, split: Callable[[str], Split | None]
    ) -> Split | None:
        length = len(word)
        if (
            length < 2 * MIN_PART_LENGTH
            or length > MAX_WORD_LENGTH
            or not word.isalpha()
            or word in self._never_split
        ):
            return None
        best: Split | None = None
        best_rank: tuple = ()
        for cut in range(MIN_PART_LENGTH, length - MIN_PART_LENGTH + 1):
            tail = word[cut:]
            tail_zipf = zipf(tail)
            if tail_zipf is None and split(tail) is None:
                continue
            for head, bare in self._heads(word[:cut], zipf):
                head_zipf = zipf(head)
                if head_zipf is None and split(head) is None:
                    continue
                both_words = head_zipf is not None and tail_zipf is not None
                mean_zipf = ((head_zipf or 0.0) + (tail_zipf or 0.0)) / 2
                rank = (both_words, mean_zipf, len(tail), bare)
                if rank > best_rank:
                    best, best_rank = (head, tail), rank
        if best is None:
            return None
        word_zipf = zipf(word)
        if word_zipf is not None and best_rank[1] < word_zipf:
            return None  # a common word in its own right, more likely than its "parts"
        return best

    @staticmethod
    def _heads(head: str, zipf: ZipfLookup):
        """The head as written, and without a linking morpheme when that is a word."""
        yield head, True
        for link in LINKING_MORPHEMES:
            stripped = head[: -len(link)]
            if (
                head.endswith(link)
                and len(stripped) >= MIN_PART_LENGTH
                and zipf(stripped) is not None
            ):
                yield stripped, False
