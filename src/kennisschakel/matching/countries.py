"""The countries a question names: the register's country names and the adjectives in
``data/country_words.yaml`` ("een Chinese stad" → CN). Used to validate and match a
question (services) and to find the countries a practice's text names (names.py)."""

from functools import cache
from pathlib import Path

import yaml

from kennisschakel.engines.text.folding import fold
from kennisschakel.register import models as register

DATA = Path(__file__).resolve().parent / "data"


@cache
def country_words() -> dict[str, str]:
    words = yaml.safe_load((DATA / "country_words.yaml").read_text(encoding="utf-8")) or {}
    return {fold(word): iso2 for word, iso2 in words.items()}


def countries_in_text(text: str) -> set[str]:
    """ISO2 codes of the countries a question names: 'een Chinese stad' → {'CN'}."""
    names = dict(country_words())
    for iso2, name_nl, name_en in register.Country.objects.values_list(
        "iso2", "name_nl", "name_en"
    ):
        for name in (name_nl, name_en):
            if name and len(name) > 3:
                names[fold(name)] = iso2
    folded = f" {fold(text)} "
    found = set()
    for name, iso2 in names.items():
        if f" {name} " in folded or f" {name}," in folded or f" {name}." in folded:
            found.add(iso2)
    return found
