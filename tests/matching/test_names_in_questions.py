"""Names in questions on the demo data (issue 12): whole names only, the bare name of a
partner city, the asker's own partners marked, explanations without filler."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from kennisschakel.engines.matching.entities import filler_words
from kennisschakel.matching import match_index, services
from kennisschakel.register.models import Municipality

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_matcher():
    match_index.forget()
    yield
    match_index.forget()


def test_wijk_suggests_no_municipality_through_its_name():
    zeist = Municipality.objects.get(cbs_code="GM0355")
    found = services.find_matches("klimaatadaptatie in de wijk", zeist, limit=20)
    for suggestion in found:
        if suggestion.type == "municipality":
            assert "wijk" not in suggestion.name.lower(), suggestion.name
        for line in suggestion.explanation:
            assert "wijk" not in line or suggestion.type != "municipality", line


def test_every_municipality_name_is_recognised_and_protected():
    """The built matcher recognises each of the 342 municipalities by its name and never
    splits that name: 'Waalwijk' is one term, 'Wijk bij Duurstede' one term."""
    matcher = match_index.current_matcher()
    analyzer = matcher.analyzer
    rows = list(Municipality.objects.values_list("cbs_code", "name"))
    assert len(rows) == 342
    for code, name in rows:
        assert f"municipality:{code}" in matcher.named_in(f"Hoe doet {name} dat?"), name
        assert len(analyzer.analyse(name)) == 1, name


def test_bare_partner_city_name_finds_place_municipality_and_practice(client):
    found = services.find_matches("Dalian")
    keys = [s.key for s in found]
    assert keys[0].startswith("place:") and found[0].name.startswith("Dalian")
    assert "municipality:GM0153" in keys[:5]  # Enschede, its Dutch partner
    assert "practice:enschede-palo-alto-dalian-stedenbanden" in keys[:5]
    assert "u noemt Dalian in uw vraag" in found[0].explanation
    # On the page and in the API a short question that names something is accepted.
    page = client.get(reverse("matching:ask"), {"text": "Dalian"})
    assert page.status_code == 200 and "Enschede" in page.content.decode()
    response = APIClient().post("/api/v1/matches", {"text": "Ghana"}, format="json")
    assert response.status_code == 200 and response.json()
    # A short text that names nothing is still refused.
    assert client.get(reverse("matching:ask"), {"text": "wijk"}).status_code == 400


def test_the_askers_own_partner_city_is_marked_not_presented_as_new(client, weert_contributor):
    weert = Municipality.objects.get(cbs_code="GM0988")
    text = "Welke gemeente heeft een stedenband met een Chinese stad voor kennis en onderwijs?"
    found = services.find_matches(text, weert, international=True)
    assert "municipality:GM0153" in [s.key for s in found]  # Enschede, with Dalian
    assert not [s for s in found if s.name.startswith("Huangzhou")]  # Weert's own partner
    # Asked by name, it is shown, but as what Weert already has.
    found = services.find_matches("Huangzhou", weert)
    huangzhou = [s for s in found if s.name.startswith("Huangzhou")]
    assert huangzhou[0].notes == ["u werkt al samen met Huangzhou (China)"]
    assert not any(line.startswith("u noemt") for line in huangzhou[0].explanation)
    assert all(not s.notes for s in found[: found.index(huangzhou[0])])
    page = client.get(reverse("matching:ask"), {"text": "Huangzhou"})
    assert page.status_code == 200  # anonymous: no asker, no note
    assert "werkt al samen met Huangzhou" not in page.content.decode()
    client.force_login(weert_contributor)
    page = client.get(reverse("matching:ask"), {"text": "Huangzhou"})
    assert "U werkt al samen met Huangzhou (China)" in page.content.decode()


def test_reason_lines_name_no_filler():
    weert = Municipality.objects.get(cbs_code="GM0988")
    found = services.find_matches(
        "We zoeken gemeenten met ervaring in onderwijs en kenniseconomie met een stedenband "
        "in China, en willen dat breder inzetten",
        weert,
    )
    assert found
    filler = filler_words() | {"we", "met", "en", "in", "dat"}
    for suggestion in found:
        for line in suggestion.explanation:
            if line.startswith("past bij uw vraag op: "):
                words = line.removeprefix("past bij uw vraag op: ").split(", ")
                assert not set(words) & filler, line
                assert "kenniseconomie" not in words or suggestion.type != "place", line
