"""The partnerships API writes with the same rules as the site."""

import datetime

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from kennisschakel.partnerships import services
from kennisschakel.partnerships.models import (
    ExchangeActivity,
    LearningDimension,
    NetworkMembership,
    Partnership,
)
from kennisschakel.register.models import PolicyDomain
from tests.partnerships.factories import NetworkFactory

pytestmark = pytest.mark.django_db


def api_as(user) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _created = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_create_and_change_a_partnership(enschede_contributor, weert_contributor):
    client = api_as(enschede_contributor)
    response = client.post(
        "/api/v1/partnerships",
        {
            "name": "Enschede – Ukraine (API)",
            "kind": "projectpartnerschap",
            "partners": ["GM0153", "country: UA"],
            "motives": [],
            "policy_fields": ["algemeen-bestuur"],
            "funding": ["MATRA"],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert [p["party"].split(":")[0] for p in body["partners"]] == ["org", "country"]
    assert body["world_regions"]  # derived from Ukraine's country
    slug = body["slug"]

    denied = api_as(weert_contributor).patch(
        f"/api/v1/partnerships/{slug}", {"name": "Weert neemt over"}, format="json"
    )
    assert denied.status_code == 403
    assert denied["Content-Type"] == "application/problem+json"
    changed = client.patch(f"/api/v1/partnerships/{slug}", {"status": "slapend"}, format="json")
    assert changed.status_code == 200 and changed.json()["status"] == "slapend"
    assert Partnership.objects.get(slug=slug).partners.count() == 2  # partners untouched


@pytest.mark.parametrize(
    ("payload", "field", "fragment"),
    [
        ({"partners": ["GM0153", "GM9999"]}, "partners", "GM9999"),
        ({"partners": ["GM0153", "GM0153"]}, "partners", "twee verschillende"),
        (
            {"partners": ["GM0153", "GM0193"], "start_year": 2020, "end_year": 2010},
            "end_year",
            "eindjaar",
        ),
        ({"partners": ["GM0193", "GM0988"]}, "partners", "eigen organisatie"),
    ],
)
def test_bad_partnership_payloads_are_problems(enschede_contributor, payload, field, fragment):
    before = Partnership.objects.count()
    response = api_as(enschede_contributor).post(
        "/api/v1/partnerships",
        {"name": "Fout", "kind": "stedenband", **payload},
        format="json",
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert fragment in str(response.json()), response.json()
    assert Partnership.objects.count() == before


def test_memberships_write_for_own_organisation_only(enschede_contributor, weert_contributor):
    network = NetworkFactory()  # a network of its own: no demo memberships in it
    first, second = PolicyDomain.objects.order_by("slug")[:2]
    client = api_as(enschede_contributor)
    created = client.post(
        "/api/v1/network-memberships",
        {"network": network.slug, "role": "founder", "since": 2019, "themes": [first.slug]},
        format="json",
    )
    assert created.status_code == 201, created.content
    stored = NetworkMembership.objects.get(pk=created.json()["id"])
    assert list(stored.themes.all()) == [first]
    enschede = services.parse_party("GM0153").organisation
    assert created.json()["member"] == enschede.slug
    pk = created.json()["id"]
    duplicate = client.post("/api/v1/network-memberships", {"network": network.slug}, format="json")
    assert duplicate.status_code == 400
    other = client.post(
        "/api/v1/network-memberships",
        {"network": network.slug, "member": services.parse_party("GM0988").organisation.slug},
        format="json",
    )
    assert other.status_code == 400  # a contributor cannot sign Weert up
    weert = api_as(weert_contributor)
    assert (
        weert.patch(
            f"/api/v1/network-memberships/{pk}", {"role": "chair"}, format="json"
        ).status_code
        == 403
    )
    assert weert.delete(f"/api/v1/network-memberships/{pk}").status_code == 403
    assert (
        client.patch(
            f"/api/v1/network-memberships/{pk}", {"until": 2010}, format="json"
        ).status_code
        == 400
    )
    # A change names new themes, or leaves them as they were when it names none.
    changed = client.patch(
        f"/api/v1/network-memberships/{pk}", {"themes": [second.slug]}, format="json"
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["themes"] == [second.slug]
    kept = client.patch(f"/api/v1/network-memberships/{pk}", {"role": "chair"}, format="json")
    assert kept.status_code == 200 and kept.json()["themes"] == [second.slug]
    assert NetworkMembership.objects.get(pk=pk).role == "chair"
    assert client.delete(f"/api/v1/network-memberships/{pk}").status_code == 204
    assert not NetworkMembership.objects.filter(pk=pk).exists()


def test_learning_scores_through_the_api(enschede_contributor, weert_contributor):
    partnership = services.create_partnership(
        {"name": "Leerband", "kind": "stedenband"},
        [services.parse_party("GM0153"), services.parse_party("place: Münster, DE")],
    )
    enschede_side = partnership.partners.get(organisation__isnull=False)
    url = f"/api/v1/partnerships/{partnership.slug}/learning"
    scores = {d.value: {"score": 3, "justification": "redelijk"} for d in LearningDimension}
    payload = {"partner": enschede_side.party_key, "year": 2025, "scores": scores}
    assert api_as(weert_contributor).post(url, payload, format="json").status_code == 403
    incomplete = api_as(enschede_contributor).post(
        url, {**payload, "scores": {"vertrouwen": {"score": 9}}}, format="json"
    )
    assert incomplete.status_code == 400
    saved = api_as(enschede_contributor).post(url, payload, format="json")
    assert saved.status_code == 200, saved.content
    read = api_as(None).get(url, {"year": 2025}).json()
    assert read["sides"][0]["scores"]["vertrouwen"] == {"score": 3, "justification": "redelijk"}
    assert len(read["sides"][0]["scores"]) == 6


def test_activity_edit_and_confirmation_through_the_api(enschede_contributor, weert_contributor):
    enschede = services.parse_party("GM0153").organisation
    activity = services.log_activity(
        {"title": "Proef", "form": "werkbezoek", "start_date": datetime.date(2025, 4, 1)},
        [
            services.SideInput(services.parse_party("GM0153"), "gave", hours=3),
            services.SideInput(services.parse_party("GM0988"), "received", hours=3),
        ],
        organisation=enschede,
    )
    url = f"/api/v1/activities/{activity.slug}"
    assert api_as(weert_contributor).patch(url, {"title": "X"}, format="json").status_code == 403
    changed = api_as(enschede_contributor).patch(url, {"outcomes": "Geleerd"}, format="json")
    assert changed.status_code == 200, changed.content
    assert changed.json()["outcomes"] == "Geleerd" and len(changed.json()["parties"]) == 2
    bad = api_as(enschede_contributor).patch(url, {"end_date": "2025-01-01"}, format="json")
    assert bad.status_code == 400

    confirm = f"{url}/confirmation"
    assert (
        api_as(enschede_contributor).post(confirm, {"agree": True}, format="json").status_code
        == 403
    )
    disputed = api_as(weert_contributor).post(
        confirm, {"agree": False, "note": "Het waren twee uur"}, format="json"
    )
    assert disputed.status_code == 200 and disputed.json()["confirmation"] == "disputed"
    activity.refresh_from_db()
    assert activity.confirmation == ExchangeActivity.Confirmation.DISPUTED
    assert not activity.sides.filter(balance_date__isnull=False).exists()  # out of the balance
