"""Case and diacritic folding so that 'Nürnberg', 'NURNBERG' and 'nurnberg' compare equal.

Unicode decomposition removes most accents (é → e, ń → n), but a few Latin
letters are not composed of a base letter and an accent and need an explicit
mapping (ß, ø, ł, æ, …).
"""

import re
import unicodedata

# Letters that NFKD does not decompose into base + combining mark.
_SPECIAL_LETTERS = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "ss",
        "ø": "o",
        "Ø": "o",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "þ": "th",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ı": "i",
        "’": "'",
        "‘": "'",
    }
)
_WHITESPACE = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w']+")


def fold(text: str) -> str:
    """Lower-case, strip diacritics and collapse white space."""
    text = text.translate(_SPECIAL_LETTERS)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _WHITESPACE.sub(" ", stripped).strip().casefold()


def fold_words(text: str) -> str:
    """Fold and reduce punctuation to single spaces ('Bergen (NH.)' → 'bergen nh')."""
    return _WHITESPACE.sub(" ", _NON_WORD.sub(" ", fold(text))).strip()


def is_latin(text: str) -> bool:
    """True when every letter in ``text`` folds to ASCII: used to keep only name
    variants a Dutch or English user could type."""
    return fold(text).isascii()
