"""Forms that ask for a party take names (register/parties.py): the exchange form's
*Met:*, a partnership's partners and a question's countries. An unknown or ambiguous
name is a Dutch message on the field, and nothing is written."""

import html
import re

import pytest
from django.urls import reverse
from django.utils import translation

from kennisschakel.accounts.models import Role
from kennisschakel.matching.forms import QuestionForm
from kennisschakel.matching.models import Question
from kennisschakel.partnerships.forms import ActivityForm, PartnershipForm
from kennisschakel.partnerships.models import ExchangeActivity
from kennisschakel.register.models import Municipality

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


def _activity_data(other_party):
    return {
        "form": "werkbezoek",
        "title": "Werkbezoek over grensmobiliteit",
        "start_date": "2025-06-01",
        "other_party": other_party,
        "own_direction": "gave",
        "other_direction": "received",
    }


def test_met_accepts_a_municipality_by_name():
    enschede = Municipality.objects.get(cbs_code="GM0153").organisation
    form = ActivityForm(_activity_data("Weert"), organisation=enschede)
    assert form.is_valid(), form.errors
    party = form.cleaned_data["other_party"]
    assert party.organisation.municipality.cbs_code == "GM0988"


def test_met_renders_as_a_plain_text_field_the_script_can_enhance():
    enschede = Municipality.objects.get(cbs_code="GM0153").organisation
    field = str(ActivityForm(organisation=enschede)["other_party"])
    assert 'type="text"' in field and 'name="other_party"' in field
    assert "data-combobox" in field and "/partijen/zoeken/?kinds=" in field
    assert 'role="combobox"' not in field  # only with JavaScript


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Bergen", "'Bergen' kan meer dan één partij zijn: Bergen (L.) (GM0893); Bergen (NH.)"),
        ("Atlantis-aan-Zee", "Er is geen gemeente, plaats in het buitenland of organisatie"),
    ],
)
def test_an_ambiguous_or_unknown_name_is_explained_and_nothing_is_written(
    client, make_user, typed, expected
):
    client.force_login(make_user(Role.COORDINATOR, "GM0153"))
    before = ExchangeActivity.objects.count()
    response = client.post(reverse("partnerships:activity-create"), _activity_data(typed))
    assert response.status_code in (200, 400)
    assert expected in html.unescape(response.content.decode())
    assert ExchangeActivity.objects.count() == before


def test_the_exchange_page_saves_a_named_party(client, make_user):
    client.force_login(make_user(Role.COORDINATOR, "GM0153"))
    response = client.post(reverse("partnerships:activity-create"), _activity_data("Weert"))
    assert response.status_code == 302
    activity = ExchangeActivity.objects.get(title="Werkbezoek over grensmobiliteit")
    codes = {
        side.organisation.municipality.cbs_code
        for side in activity.sides.select_related("organisation__municipality")
    }
    assert codes == {"GM0153", "GM0988"}


def test_partners_by_name_one_per_line():
    enschede = Municipality.objects.get(cbs_code="GM0153").organisation
    data = {
        "name": "Enschede – Münster kennisband",
        "kind": "stedenband",
        "status": "actief",
        "partners_text": "Enschede\nMünster, Duitsland\nVNG",
    }
    form = PartnershipForm(data, organisation=enschede)
    form.is_valid()
    assert "partners_text" not in form.errors, form.errors
    partners = form.cleaned_data["partners_text"]
    assert [str(p) for p in partners][1].startswith("Münster")
    assert partners[2].organisation.slug == "vng"
    bad = PartnershipForm({**data, "partners_text": "Enschede\nBergen"}, organisation=enschede)
    assert not bad.is_valid()
    assert "kan meer dan één partij zijn" in bad.errors["partners_text"][0]


def test_question_countries_by_name_instead_of_a_multi_select(client, make_user):
    # Issue 13: the countries are ticked in groups with a filter field (no multi-select);
    # names typed by a client without the list are still read, as below.
    form = QuestionForm()
    field = str(form["countries"])
    assert "<select" not in field and "data-choice-filter" in field
    client.force_login(make_user(Role.CONTRIBUTOR, "GM0988"))
    response = client.post(
        reverse("matching:question-create"),
        {
            "title": "Stedenband met China",
            "text": "Wie heeft ervaring met een stedenband rond onderwijs met China of Duitsland?",
            "countries": "China, duitsland",
        },
    )
    assert response.status_code == 302
    question = Question.objects.get(title="Stedenband met China")
    assert {c.iso2 for c in question.countries.all()} == {"CN", "DE"}
    edit = QuestionForm(instance=question)
    assert len(re.findall(r'value="(CN|DE)"[^>]*checked', str(edit["countries"]))) == 2


def test_an_unknown_country_is_named_and_the_question_is_not_saved(client, make_user):
    client.force_login(make_user(Role.CONTRIBUTOR, "GM0988"))
    response = client.post(
        reverse("matching:question-create"),
        {
            "title": "Stedenband met Narnia",
            "text": "Wie heeft ervaring met een stedenband rond onderwijs met Narnia?",
            "countries": "China, Narnia",
        },
    )
    assert response.status_code == 400
    assert "Er is geen land bekend met de naam 'Narnia'." in html.unescape(
        response.content.decode()
    )
    assert not Question.objects.filter(title="Stedenband met Narnia").exists()


def test_the_api_also_takes_names_and_answers_an_ambiguous_one_with_a_400(make_user):
    """Additive: what the API accepted before still works; a name now works too."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    user = make_user(Role.CONTRIBUTOR, "GM0153")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0]}")
    payload = {
        "form": "werkbezoek",
        "title": "Enschede bezoekt Weert",
        "start_date": "2025-01-10",
        "sides": [
            {"party": "GM0153", "direction": "gave"},
            {"party": "Bergen", "direction": "received"},
        ],
    }
    before = ExchangeActivity.objects.count()
    bad = client.post("/api/v1/activities", payload, format="json")
    assert bad.status_code == 400
    assert bad["Content-Type"] == "application/problem+json"
    assert "Bergen (NH.) (GM0373)" in str(bad.json()["invalid_params"])
    assert ExchangeActivity.objects.count() == before
    payload["sides"][1]["party"] = "Weert"
    ok = client.post("/api/v1/activities", payload, format="json")
    assert ok.status_code == 201, ok.json()
