"""Contact persons are shown outside their organisation only with their own consent."""

import json
import re

import pytest
from django.urls import reverse

from kennisschakel.register.models import ContactPerson

pytestmark = pytest.mark.django_db


def test_person_is_asked_and_shown_only_after_consent(
    client,
    smtp_server,
    enschede_contributor,
    weert_contributor,
    make_practice,
    django_capture_on_commit_callbacks,
):
    client.force_login(enschede_contributor)
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after commit
        response = client.post(
            reverse("register:contact-list"),
            {"name": "Ellen Expert", "email": "ellen@enschede.example", "role": "adviseur"},
            follow=True,
        )
    assert response.redirect_chain[-1][1] == 302
    person = ContactPerson.objects.get(email="ellen@enschede.example")
    assert person.has_consented is False
    practice = make_practice("GM0153")
    practice.contacts.add(person)

    client.force_login(weert_contributor)
    assert "Ellen Expert" not in client.get(practice.get_absolute_url()).content.decode()

    body = smtp_server.messages[0]["message"].get_content()
    link = re.search(r"http://\S+(/toestemming/\S+/)", body).group(1)
    client.logout()
    assert "Mogen andere gemeenten u benaderen?" in client.get(link).content.decode()
    client.post(link, {"answer": "yes"}, follow=True)
    person.refresh_from_db()
    assert person.has_consented and person.consent_given_at is not None

    client.force_login(weert_contributor)
    assert "Ellen Expert" in client.get(practice.get_absolute_url()).content.decode()

    client.logout()
    client.post(link, {"answer": "no"}, follow=True)
    person.refresh_from_db()
    assert not person.has_consented and person.consent_withdrawn_at is not None
    client.force_login(weert_contributor)
    assert "Ellen Expert" not in client.get(practice.get_absolute_url()).content.decode()


def test_tampered_link_is_refused(client):
    assert client.get("/toestemming/niet-geldig/").status_code == 404


def test_export_and_erase_keep_practices_intact(client, enschede_contributor, make_practice):
    person = ContactPerson.objects.create(
        organisation=enschede_contributor.organisation, name="Piet Privé", email="piet@x.example"
    )
    practice = make_practice("GM0153")
    practice.contacts.add(person)
    client.force_login(enschede_contributor)
    exported = json.loads(client.get(reverse("register:contact-export", args=[person.pk])).content)
    assert exported["email"] == "piet@x.example"
    assert exported["practices"][0]["slug"] == practice.slug
    client.post(reverse("register:contact-erase", args=[person.pk]))
    person.refresh_from_db()
    assert (person.name, person.email) == ("(verwijderd)", "")
    assert client.get(practice.get_absolute_url()).status_code == 200
    assert practice.contacts.count() == 1


def test_other_organisation_cannot_manage_persons(client, weert_contributor, enschede_contributor):
    person = ContactPerson.objects.create(
        organisation=enschede_contributor.organisation, name="Piet", email="p@x.example"
    )
    client.force_login(weert_contributor)
    assert client.get(reverse("register:contact-export", args=[person.pk])).status_code == 403
    assert client.post(reverse("register:contact-erase", args=[person.pk])).status_code == 403
    person.refresh_from_db()
    assert person.name == "Piet"
