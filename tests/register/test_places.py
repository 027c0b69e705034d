"""Places abroad resolve from any common spelling."""

import pytest

from kennisschakel.register.services import country_lookup, resolve_place, search_places

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "names",
    [
        ("Neurenberg", "Nuremberg", "Nürnberg", "NURNBERG"),
        ("Münster", "Munster", "MUNSTER"),
        ("Poznań", "Poznan"),
        ("Keulen", "Köln", "Cologne"),
    ],
)
def test_spellings_resolve_to_one_place(names):
    places = {name: resolve_place(name) for name in names}
    assert all(place is not None for place in places.values()), places
    assert len({place.geonameid for place in places.values()}) == 1, places


def test_munster_means_the_large_westphalian_city():
    place = resolve_place("Munster")
    assert place.country.iso2 == "DE"
    assert place.population > 250_000


def test_prefix_search_and_country_filter():
    results = search_places("dali")
    assert any(p.name == "Dalian" for p in results)
    only_germany = search_places("muns", country="DE")
    assert only_germany and all(p.country.iso2 == "DE" for p in only_germany)


def test_unknown_name_resolves_to_nothing():
    assert resolve_place("Xyzzyplaats") is None
    assert search_places("   ") == []


def test_country_lookup_by_code_and_names():
    assert country_lookup("DE").iso2 == "DE"
    assert country_lookup("Duitsland").iso2 == "DE"
    assert country_lookup("germany").iso2 == "DE"
    assert country_lookup("Marokko").iso2 == "MA"
    assert country_lookup("Atlantis") is None


def test_search_says_which_variant_matched_and_skips_codes():
    nuremberg = search_places("neurenberg")[0]
    assert nuremberg.matched_name == "Neurenberg"
    assert "NUE" not in nuremberg.name_variants  # airport code, not a name
    assert search_places("Nuremberg")[0].matched_name == "Nuremberg"
