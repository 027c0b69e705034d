"""Contact persons are shown outside their organisation only with their own consent."""

import json
import re

import pytest
from django.urls import reverse

from kennisschakel.register.models import ContactPerson

pytestmark = pytest.mark.django_db


def shown_contacts(client, user, practice):
    """The contact persons the practice page shows ``user`` (the page itself must render)."""
    client.force_login(user)
    response = client.get(practice.get_absolute_url())
    assert response.status_code == 200
    assert practice.title in response.content.decode()
    return [person.name for person in response.context["contacts"]]


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

    # Without consent: the own organisation sees her, another one does not.
    assert shown_contacts(client, enschede_contributor, practice) == ["Ellen Expert"]
    assert shown_contacts(client, weert_contributor, practice) == []
    client.logout()
    assert [p.name for p in client.get(practice.get_absolute_url()).context["contacts"]] == []

    [mail] = smtp_server.messages
    assert mail["to"] == ["ellen@enschede.example"]
    body = mail["message"].get_content()
    link = re.search(r"http://\S+(/toestemming/\S+/)", body).group(1)
    assert "Mogen andere gemeenten u benaderen?" in client.get(link).content.decode()
    given = client.post(link, {"answer": "yes"}, follow=True)
    assert given.redirect_chain == [(link, 302)]
    assert "Dank u wel: uw toestemming is vastgelegd." in given.content.decode()
    person.refresh_from_db()
    assert person.has_consented and person.consent_given_at is not None
    assert person.consent_withdrawn_at is None

    assert shown_contacts(client, weert_contributor, practice) == ["Ellen Expert"]
    client.logout()
    assert [p.name for p in client.get(practice.get_absolute_url()).context["contacts"]] == [
        "Ellen Expert"
    ]

    withdrawn = client.post(link, {"answer": "no"}, follow=True)
    assert "Uw gegevens worden niet meer getoond aan andere organisaties." in (
        withdrawn.content.decode()
    )
    person.refresh_from_db()
    assert not person.has_consented and person.consent_withdrawn_at is not None
    assert shown_contacts(client, weert_contributor, practice) == []
    assert shown_contacts(client, enschede_contributor, practice) == ["Ellen Expert"]
    assert ContactPerson.objects.filter(pk=person.pk, name="Ellen Expert").exists()  # not erased


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
