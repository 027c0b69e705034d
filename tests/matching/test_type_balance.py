"""What the adapter links a practice to, and the balance it gives on the demo data (issue
12, tuning): owners, co-owners and named organisations inherit a practice's evidence; the
kind of suggestion asked for comes first."""

import pytest

from kennisschakel.matching import adapter, match_index, services
from kennisschakel.register.models import Municipality

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_matcher():
    match_index.forget()
    yield
    match_index.forget()


def candidates():
    return {candidate.key: candidate for candidate in adapter.build_candidates()}


def test_a_practice_links_its_owners_and_the_organisations_and_places_it_names():
    built = candidates()
    relay = built["practice:stedenestafette-armoedebestrijding"]
    assert relay.owner == "institution:verwey-jonker-instituut"
    # co-owners (Movisie, the municipality of Utrecht) and what its partner list names
    assert {"institution:movisie", "municipality:GM0344"} <= relay.links
    twifo = built["practice:wormerland-twifo-basisadministratie"]
    assert twifo.owner == "municipality:GM0880"
    assert any(key.startswith("place:") for key in twifo.links)  # Twifo, named
    assert "GH" in twifo.countries  # Ghana, through the place it names
    # Owners, co-owners and named organisations are candidates (a practice's own places
    # abroad may lie outside any active partnership, and then are none).
    for candidate in built.values():
        for key in candidate.links:
            kind = key.partition(":")[0]
            assert kind in {"place", "municipality", "network", "institution"}
            assert kind == "place" or key in built, (candidate.key, key)


def test_an_organisation_text_names_its_policy_domains():
    movisie = candidates()["institution:movisie"]
    assert "Sociaal domein" in movisie.text["body"]


def test_the_institution_asked_for_comes_before_the_practices_about_it():
    asker = Municipality.objects.get(cbs_code="GM0479")
    found = services.find_matches(
        "Welk onderzoeksinstituut kan ons armoedebeleid doorlichten en heeft eerder lokale "
        "armoedeaanpakken van gemeenten vergeleken?",
        asker,
    )
    keys = [suggestion.key for suggestion in found]
    # Before this tuning both were missing from the top 10 (a one-sentence register text
    # against the practices they ran).
    assert "institution:verwey-jonker-instituut" in keys[:3]
    assert "institution:movisie" in keys  # co-ran the relay: at the linked factor
    found_vj = found[keys.index("institution:verwey-jonker-instituut")]
    assert any("zoals u vraagt" in line for line in found_vj.explanation), found_vj.explanation
    assert any("bekend van de praktijk" in line for line in found_vj.explanation)


def test_a_municipality_follows_the_practice_it_owns():
    asker = Municipality.objects.get(cbs_code="GM0307")
    found = services.find_matches(
        "Welke grote gemeenten buiten onze regio hebben het loket voor bijstand en Wmo al "
        "samengevoegd?",
        asker,
    )
    keys = [suggestion.key for suggestion in found]
    practice = keys.index("practice:den-haag-integraal-loket-werk-inkomen")
    assert abs(keys.index("municipality:GM0518") - practice) <= 1
    den_haag = found[keys.index("municipality:GM0518")]
    assert any("bekend van de praktijk" in line for line in den_haag.explanation)
