"""Countries named in a question, from a plain mapping of names to ISO2 codes."""

import pytest

from kennisschakel.engines.matching import countries_in_text

NAMES = {
    "China": "CN",
    "chinese": "CN",
    "Chinees": "CN",
    "Duitsland": "DE",
    "Duitse": "DE",
    "Guinee": "GN",
    "Guinee-Bissau": "GW",
    "Verenigde Staten": "US",
    "Mali": "ml",
    "Curaçao": "CW",
    "België": "BE",
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Wij zoeken een Chinese stad.", {"CN"}),
        ("CHINA of een Duitse gemeente?", {"CN", "DE"}),
        ("Contact met Guinee-Bissau", {"GW"}),
        ("Contact met Guinee, niet met Bissau", {"GN"}),
        ("Steden in de Verenigde  Staten", {"US"}),
        ("Somalië en Malinese steden", set()),  # whole words only
        ("Een partner op Curacao of in belgie", {"CW", "BE"}),
        ("Samen met Mali.", {"ML"}),
        ("", set()),
        ("Armoedebestrijding in de wijk", set()),
    ],
)
def test_countries_in_text(text, expected):
    assert countries_in_text(text, NAMES) == frozenset(expected)


def test_no_names_finds_nothing():
    assert countries_in_text("China", {}) == frozenset()
