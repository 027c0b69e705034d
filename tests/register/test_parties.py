"""Parties by name (register/parties.py): whole-name resolution, ambiguity, suggestions,
and the /partijen/zoeken/ endpoint behind the combobox."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from kennisschakel.partnerships.services import parse_party
from kennisschakel.register import parties
from kennisschakel.register.models import ForeignPlace, Municipality

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


def test_a_municipality_resolves_by_name_code_and_common_name():
    weert = parties.resolve("Weert")
    assert (weert.kind, weert.code) == ("municipality", "GM0988")
    assert parties.resolve("weert ").code == "GM0988"
    assert parties.resolve("GM0988").code == "GM0988"
    assert parties.resolve("Den Haag").code == "GM0518"
    assert parties.resolve("'s-Gravenhage").code == "GM0518"
    assert parties.resolve("Bergen (NH.)").code == "GM0373"


def test_an_ambiguous_name_lists_every_party_it_can_mean_in_dutch():
    with pytest.raises(ValidationError) as error:
        parties.resolve("Bergen")
    message = error.value.messages[0]
    assert "kan meer dan één partij zijn" in message
    assert "Bergen (L.) (GM0893)" in message
    assert "Bergen (NH.) (GM0373)" in message
    assert "Bergen, Noorwegen" in message
    # Each option, typed as listed, resolves to that one party.
    assert parties.resolve("Bergen (L.)").code == "GM0893"
    assert parties.resolve("Bergen, Noorwegen").kind == "place"


def test_names_match_whole_never_a_fragment():
    # 'wijk' is part of Harderwijk, Beverwijk, Rijswijk …: not a party.
    with pytest.raises(ValidationError) as error:
        parties.resolve("wijk")
    assert "Harderwijk" not in error.value.messages[0]
    with pytest.raises(ValidationError):
        parties.resolve("Wee")  # a prefix of Weert is no name


def test_an_unknown_name_says_so_in_dutch_and_offers_what_was_probably_meant():
    with pytest.raises(ValidationError) as error:
        parties.resolve("Atlantis-aan-Zee")
    assert error.value.messages == [
        "Er is geen gemeente, plaats in het buitenland of organisatie bekend met de naam "
        "'Atlantis-aan-Zee'."
    ]
    with pytest.raises(ValidationError) as error:
        parties.resolve("Zwoll")
    assert "Bedoelt u" in error.value.messages[0]
    assert "Zwolle (GM0193)" in error.value.messages[0]


def test_places_abroad_by_name_or_with_their_country():
    munster = parties.resolve("Münster, Duitsland")
    assert munster.kind == "place"
    place = ForeignPlace.objects.get(pk=munster.pk)
    assert (place.name, place.country.iso2) == ("Münster", "DE")
    assert parties.resolve("Muenster, DE").pk == munster.pk
    # A much larger namesake decides: London is London, England.
    london = ForeignPlace.objects.get(pk=parties.resolve("London").pk)
    assert london.country.iso2 == "GB"


def test_organisations_by_name_or_abbreviation():
    assert parties.resolve("Divosa").kind == "organisation"
    vng = parties.resolve("VNG")
    assert vng.kind == "organisation"
    assert parties.resolve("Vereniging van Nederlandse Gemeenten").pk == vng.pk


def test_countries_resolve_only_when_asked_for():
    assert parties.resolve("Duitsland", kinds=[parties.COUNTRY]).code == "DE"
    assert parties.resolve("germany", kinds=[parties.COUNTRY]).code == "DE"
    assert parties.resolve("CN", kinds=[parties.COUNTRY]).code == "CN"


def test_suggestions_put_whole_names_first_then_words_that_start_with_the_text():
    labels = [o.label for o in parties.suggest("Weer")]
    assert labels[0] == "Weert"
    haag = parties.suggest("haag")
    assert "Den Haag" in [o.label for o in haag] or "'s-Gravenhage" in [o.label for o in haag]
    assert parties.suggest("GM0988")[0].code == "GM0988"
    assert parties.suggest("w") == []  # too short to suggest anything
    # A fragment inside a word suggests nothing: 'wijk' offers no Harderwijk.
    assert "Harderwijk" not in [o.label for o in parties.suggest("wijk")]


def test_parse_party_takes_names_and_keeps_the_old_forms():
    weert = Municipality.objects.get(cbs_code="GM0988")
    assert parse_party("Weert").organisation == weert.organisation
    assert parse_party("GM0988").organisation == weert.organisation
    assert parse_party("place: Münster, DE").place.name == "Münster"
    assert parse_party("Münster, Duitsland").place.name == "Münster"
    assert parse_party("org: vng").organisation.slug == "vng"
    assert parse_party("country: IN").country.iso2 == "IN"
    with pytest.raises(ValidationError) as error:
        parse_party("GM9999")
    assert error.value.messages == ["'GM9999' is geen CBS-code van een bestaande gemeente."]


# -- the endpoint ------------------------------------------------------------------


def test_the_endpoint_answers_json_in_a_fixed_number_of_queries(client):
    url = reverse("register:party-suggest")
    with CaptureQueriesContext(connection) as few:
        response = client.get(url, {"q": "Wee"})
    assert response.status_code == 200
    first = response.json()["results"][0]
    assert first == {
        "kind": "municipality",
        "id": first["id"],
        "value": "Weert",
        "label": "Weert",
        "detail": "gemeente, GM0988",
        "code": "GM0988",
    }
    # Many matches cost no more queries than a few: no query per result.
    with CaptureQueriesContext(connection) as many:
        response = client.get(url, {"q": "be", "limit": 20})
    assert len(response.json()["results"]) == 20
    assert len(many) == len(few) <= 6


def test_the_endpoint_can_answer_an_html_fragment(client):
    response = client.get(
        reverse("register:party-suggest"), {"q": "Weert"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert b'role="option"' in response.content
    assert b'data-value="Weert"' in response.content


def test_the_endpoint_filters_by_kind(client):
    url = reverse("register:party-suggest")
    results = client.get(url, {"q": "duits", "kinds": "country"}).json()["results"]
    assert [r["code"] for r in results] == ["DE"]
    assert all(
        r["kind"] == "place"
        for r in client.get(url, {"q": "munster", "kinds": "place"}).json()["results"]
    )


@pytest.mark.parametrize(
    "params",
    [
        {"q": "Weert", "kinds": "planet"},
        {"q": "Weert", "limit": "many"},
        {"q": "Weert", "limit": "0"},
        {"q": "Weert", "limit": "1000"},
        {"q": "x" * 101},
    ],
)
def test_bad_input_is_a_400_in_dutch_never_a_500(client, params):
    response = client.get(reverse("register:party-suggest"), params)
    assert response.status_code == 400
    assert response.json()["detail"]
    assert "limit" not in response.json()["detail"].split()[0].lower()


def test_post_is_not_allowed(client):
    assert client.post(reverse("register:party-suggest"), {"q": "Weert"}).status_code == 405
