"""Known Dutch words, the vocabulary against which compounds are split.

Two sources, both shipped with the code so that analysis works offline and gives
the same terms on every machine:

* the Dutch word list of the ``wordfreq`` package (its "large" list, bundled as
  package data), limited to words with a Zipf frequency of at least
  ``MIN_ZIPF_FREQUENCY``: rarer entries are mostly names, typos and English;
* ``data/lexicon_nl.txt``: municipal-policy vocabulary that must be known even
  where wordfreq is thin (adaptatie, jumelage, ...).

The search index adds a third, at query time only: the terms of the indexed
corpus itself (see :mod:`kennisschakel.engines.text.query`).
"""

import importlib.metadata
import json
import math
import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType

from kennisschakel.engines.text.folding import fold

DATA_DIR = Path(__file__).resolve().parent / "data"
# Zipf 2.5 = about three occurrences per 10 million words; keeps ~55 000 words.
MIN_ZIPF_FREQUENCY = 2.5


def read_word_list(name: str) -> frozenset[str]:
    """Words from ``data/<name>``: one per line, '#' starts a comment, folded."""
    words = set()
    for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            words.add(fold(word))
    return frozenset(words)


# Zipf frequency assumed for a shipped word that wordfreq rates lower or lacks.
SHIPPED_WORD_ZIPF = 3.0

Lexicon = Mapping[str, float]  # folded word → Zipf frequency (log10 per billion words)


def _cache_file(min_zipf: float) -> Path | None:
    """Where the filtered word list is kept between processes (None: not kept).

    Reading wordfreq's full list and filtering it costs every new worker process about
    half a second; the filtered result (~55 000 words) reads in a few milliseconds.
    The name carries wordfreq's version, so an upgrade makes a new file.
    """
    directory = os.environ.get("KENNISSCHAKEL_LEXICON_CACHE_DIR")
    if directory is None:
        directory = Path(os.environ.get("KENNISSCHAKEL_VAR_DIR", Path.cwd() / "var")) / "cache"
    if not directory:
        return None
    try:
        version = importlib.metadata.version("wordfreq")
    except importlib.metadata.PackageNotFoundError:
        return None
    return Path(directory) / f"lexicon-nl-wordfreq{version}-zipf{min_zipf}.json"


@cache
def wordfreq_words(min_zipf: float = MIN_ZIPF_FREQUENCY) -> dict[str, float]:
    """Alphabetic Dutch words from wordfreq at or above ``min_zipf``, folded."""
    cached = _cache_file(min_zipf)
    if cached is not None:
        try:
            return json.loads(cached.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass
    words = _read_wordfreq(min_zipf)
    if cached is not None:
        try:  # written aside and renamed: a reader never sees half a file
            cached.parent.mkdir(parents=True, exist_ok=True)
            partial = cached.with_name(f".{cached.name}.{os.getpid()}")
            partial.write_text(json.dumps(words, ensure_ascii=False), encoding="utf-8")
            os.replace(partial, cached)
        except OSError:
            pass  # a read-only disk only costs the next process the slow path
    return words


def _read_wordfreq(min_zipf: float) -> dict[str, float]:
    from wordfreq import get_frequency_dict

    words: dict[str, float] = {}
    for word, frequency in get_frequency_dict("nl", wordlist="large").items():
        zipf = math.log10(frequency) + 9
        if zipf >= min_zipf and word.isalpha():
            folded = fold(word)
            words[folded] = max(zipf, words.get(folded, 0.0))
    return words


@cache
def dutch_lexicon() -> Lexicon:
    """The default lexicon: wordfreq's common Dutch words plus the shipped list."""
    words = dict(wordfreq_words())
    for word in read_word_list("lexicon_nl.txt"):
        words[word] = max(words.get(word, 0.0), SHIPPED_WORD_ZIPF)
    return MappingProxyType(words)
