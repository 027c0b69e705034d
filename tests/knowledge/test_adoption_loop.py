"""The adoption loop: another municipality reports back, the owner hears it by email."""

import pytest
from django.urls import reverse

from kennisschakel.knowledge.models import Adoption

pytestmark = pytest.mark.django_db(transaction=False)


def test_adoption_sends_one_email_to_the_owners_contact(
    client,
    django_capture_on_commit_callbacks,
    smtp_server,
    weert_contributor,
    make_practice,
    consented_contact,
):
    practice = make_practice("GM0153")
    contact = consented_contact("GM0153", email="carla@enschede.example")
    practice.contacts.add(contact)
    client.force_login(weert_contributor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("knowledge:adoption-create", args=[practice.slug]),
            {
                "outcome": "aangepast",
                "reasons": ["lost-ons-probleem-op"],
                "what_changed": "Wij doen het met vrijwilligers.",
                "note": "Werkt goed in onze wijken.",
            },
        )
    assert response.status_code == 302
    assert len(smtp_server.messages) == 1
    sent = smtp_server.messages[0]
    assert sent["to"] == ["carla@enschede.example"]
    assert "Weert" in sent["message"]["Subject"]
    body = sent["message"].get_content()
    assert "Wij doen het met vrijwilligers." in body
    assert practice.get_absolute_url() in body

    page = client.get(practice.get_absolute_url()).content.decode()
    assert "Overgenomen door 1 gemeente" in page
    assert "Werkt goed in onze wijken." in page


def test_owner_sees_and_replies(client, enschede_contributor, weert_contributor, make_practice):
    practice = make_practice("GM0153")
    adoption = Adoption.objects.create(
        practice=practice,
        organisation=weert_contributor.organisation,
        outcome="afgezien",
        reasons=["geen-tijd-of-geld"],
        note="Nu geen capaciteit.",
    )
    client.force_login(enschede_contributor)
    response = client.post(
        reverse("knowledge:adoption-reply", args=[practice.slug, adoption.pk]),
        {"reply": "Jammer, bel ons als het wel kan."},
    )
    assert response.status_code == 302
    adoption.refresh_from_db()
    assert adoption.reply == "Jammer, bel ons als het wel kan."
    assert adoption.replied_by == enschede_contributor
    page = client.get(practice.get_absolute_url()).content.decode()
    assert "Jammer, bel ons als het wel kan." in page
    assert "Overgenomen door 0 gemeenten" in page  # deciding against is not taking over


def test_adoption_form_explains_missing_answers(client, weert_contributor, make_practice):
    practice = make_practice("GM0153")
    client.force_login(weert_contributor)
    url = reverse("knowledge:adoption-create", args=[practice.slug])
    response = client.post(url, {"outcome": "afgezien", "note": "Mijn notitie"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Zeg waarom u ervan afzag" in body
    assert "Mijn notitie" in body
    response = client.post(url, {"outcome": "aangepast"})
    assert "Zeg wat u hebt veranderd" in response.content.decode()
    assert not Adoption.objects.exists()


def test_adoption_via_api_and_listing(weert_contributor, make_practice):
    from tests.knowledge.test_permissions import api_as

    practice = make_practice("GM0153")
    client = api_as(weert_contributor)
    response = client.post(
        f"/api/v1/practices/{practice.slug}/adoptions",
        {"outcome": "overgenomen", "note": "Een-op-een overgenomen."},
        format="json",
    )
    assert response.status_code == 201, response.json()
    listed = client.get(f"/api/v1/practices/{practice.slug}/adoptions").json()
    assert [a["organisation"] for a in listed] == ["gm0988"]
    detail = client.get(f"/api/v1/practices/{practice.slug}").json()
    assert detail["adopted_by"] == ["gm0988"]
    bad = client.post(
        f"/api/v1/practices/{practice.slug}/adoptions", {"outcome": "afgezien"}, format="json"
    )
    assert bad.status_code == 400
    assert bad["Content-Type"] == "application/problem+json"
