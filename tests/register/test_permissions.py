"""Who may change which organisation profile through the site."""

import pytest
from django.urls import reverse

from kennisschakel.accounts.models import Role
from kennisschakel.core.permissions import can_edit
from kennisschakel.register.models import Municipality, Organisation

pytestmark = pytest.mark.django_db


def edit_url(slug):
    return reverse("register:organisation-edit", args=[slug])


def test_contributor_edits_own_municipality_profile(client, enschede_contributor):
    client.force_login(enschede_contributor)
    response = client.post(
        edit_url("gm0153"),
        {"description_nl": "Grensstad in Twente.", "website": "https://www.enschede.nl"},
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(slug="gm0153")
    assert organisation.description_nl == "Grensstad in Twente."


@pytest.mark.parametrize("slug", ["gm0988", "vng"])
def test_contributor_cannot_edit_another_organisation(client, enschede_contributor, slug):
    client.force_login(enschede_contributor)
    before = Organisation.objects.get(slug=slug).description_nl
    assert client.get(edit_url(slug)).status_code == 403
    response = client.post(edit_url(slug), {"description_nl": "gekaapt"})
    assert response.status_code == 403
    assert Organisation.objects.get(slug=slug).description_nl == before


def test_anonymous_is_sent_to_login(client):
    response = client.get(edit_url("gm0153"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_reader_of_own_municipality_cannot_edit(client, make_user):
    reader = make_user(Role.READER, "GM0153")
    client.force_login(reader)
    assert client.get(edit_url("gm0153")).status_code == 403


@pytest.mark.parametrize("slug", ["vng", "gm0988"])  # a network and another municipality
def test_facilitator_may_edit_any_organisation(client, facilitator, slug):
    client.force_login(facilitator)
    before = Organisation.objects.get(slug=slug)
    assert client.get(edit_url(slug)).status_code == 200
    response = client.post(
        edit_url(slug),
        {"description_nl": "Vereniging van gemeenten.", "website": "https://www.example.nl"},
    )
    assert response.status_code == 302
    assert response["Location"] == before.get_absolute_url()
    after = Organisation.objects.get(slug=slug)
    assert (after.description_nl, after.website) == (
        "Vereniging van gemeenten.",
        "https://www.example.nl",
    )
    assert (after.name, after.type) == (before.name, before.type)  # register facts stay
    page = client.get(response["Location"]).content.decode()
    assert "Het profiel is opgeslagen." in page and "Vereniging van gemeenten." in page


def test_bad_input_keeps_what_was_typed_and_explains(client, enschede_contributor):
    client.force_login(enschede_contributor)
    response = client.post(
        edit_url("gm0153"), {"description_nl": "Mijn tekst", "website": "geen-adres"}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Voer een geldige URL in" in body
    assert "Mijn tekst" in body  # nothing typed is lost
    assert Organisation.objects.get(slug="gm0153").description_nl != "Mijn tekst"


def test_register_facts_of_a_municipality_only_for_facilitators(enschede_contributor, facilitator):
    enschede = Municipality.objects.get(cbs_code="GM0153")
    assert not can_edit(enschede_contributor, enschede)
    assert can_edit(enschede_contributor, enschede.organisation)
    assert can_edit(facilitator, enschede)
