"""Who may see and change practices and adoptions, through the site and the API."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from kennisschakel.accounts.models import Role
from kennisschakel.knowledge.models import Adoption, Practice

pytestmark = pytest.mark.django_db


def api_as(user):
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_contributor_cannot_edit_another_municipalitys_practice_on_the_site(
    client, weert_contributor, make_practice
):
    practice = make_practice("GM0153")
    client.force_login(weert_contributor)
    url = reverse("knowledge:practice-edit", args=[practice.slug])
    assert client.get(url).status_code == 403
    response = client.post(url, {"title": "Gekaapte titel", "summary": "x"})
    assert response.status_code == 403
    status_url = reverse("knowledge:practice-status", args=[practice.slug])
    assert client.post(status_url, {"status": "archived"}).status_code == 403
    practice.refresh_from_db()
    assert (practice.title, practice.status) == ("Schuldhulp aan de keukentafel", "published")


def test_contributor_cannot_edit_another_municipalitys_practice_through_the_api(
    weert_contributor, make_practice
):
    practice = make_practice("GM0153")
    response = api_as(weert_contributor).patch(
        f"/api/v1/practices/{practice.slug}", {"title": "Gekaapte titel"}, format="json"
    )
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    practice.refresh_from_db()
    assert practice.title == "Schuldhulp aan de keukentafel"


def test_owner_edits_through_site_and_history_is_kept(client, enschede_contributor, make_practice):
    practice = make_practice("GM0153")
    client.force_login(enschede_contributor)
    url = reverse("knowledge:practice-edit", args=[practice.slug])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, [])}
    data.update(
        title="Schuldhulp aan de keukentafel, vernieuwd",
        domains=[d.pk for d in practice.domains.all()],
        kind="praktijk",
        maturity="geevalueerd",
        languages="nl",
        tags="schulden",
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    revision = practice.revisions.first()
    assert revision.user == enschede_contributor
    assert revision.changes["title"] == [
        "Schuldhulp aan de keukentafel",
        "Schuldhulp aan de keukentafel, vernieuwd",
    ]
    # The history on the page names fields by their labels and the person, in Dutch.
    client.cookies["django_language"] = "nl"
    page = client.get(practice.get_absolute_url()).content.decode()
    history = page.split("<h3>Geschiedenis</h3>", 1)[1].split("</ul>", 1)[0]
    assert enschede_contributor.get_short_name() in history
    assert "titel" in history and "maturity" not in history and "–:" not in history
    assert "Kennisschakel (import)" in history  # the first version, made without a person


def test_drafts_are_visible_only_to_the_owner(
    client, weert_contributor, enschede_contributor, make_practice
):
    draft = make_practice("GM0153", title="Concept over warmtenetten", status="draft")
    url = reverse("knowledge:practice-detail", args=[draft.slug])
    assert client.get(url).status_code == 404
    client.force_login(weert_contributor)
    assert client.get(url).status_code == 404
    assert APIClient().get(f"/api/v1/practices/{draft.slug}").status_code == 404
    client.force_login(enschede_contributor)
    assert client.get(url).status_code == 200


def test_only_other_organisations_record_adoptions(
    client, enschede_contributor, make_user, make_practice
):
    practice = make_practice("GM0153")
    url = reverse("knowledge:adoption-create", args=[practice.slug])
    client.force_login(enschede_contributor)  # the owner itself
    assert client.get(url).status_code == 403
    reader = make_user(Role.READER, "GM0988", email="lezer@weert.example")
    client.force_login(reader)
    assert client.get(url).status_code == 403
    response = api_as(enschede_contributor).post(
        f"/api/v1/practices/{practice.slug}/adoptions", {"outcome": "overgenomen"}, format="json"
    )
    assert response.status_code == 403
    assert not Adoption.objects.exists()


def test_only_the_owner_replies(client, weert_contributor, make_user, make_practice):
    practice = make_practice("GM0153")
    adoption = Adoption.objects.create(
        practice=practice, organisation=weert_contributor.organisation, outcome="overgenomen"
    )
    url = reverse("knowledge:adoption-reply", args=[practice.slug, adoption.pk])
    outsider = make_user(Role.CONTRIBUTOR, "GM0637", email="z@zoetermeer.example")
    client.force_login(outsider)
    assert client.post(url, {"reply": "Niet van mij"}).status_code == 403
    adoption.refresh_from_db()
    assert adoption.reply == ""


def test_api_create_is_for_own_organisation(enschede_contributor):
    response = api_as(enschede_contributor).post(
        "/api/v1/practices",
        {
            "title": "Samen tegen energiearmoede",
            "summary": "Energiecoaches bezoeken huishoudens.",
            "domains": ["energie-en-warmtetransitie"],
            "owner": "gm0988",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    practice = Practice.objects.get(slug=response.json()["slug"])
    assert practice.owner.slug == "gm0153"  # the owner field is not writable
    assert practice.status == "draft"
