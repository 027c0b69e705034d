"""The /api/v1/ register endpoints, their errors and their OpenAPI document."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from kennisschakel.register.models import Municipality, Organisation

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


@pytest.fixture
def api():
    return APIClient()


def token_client(user):
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_list_municipalities_with_pagination_and_version_header(api):
    response = api.get("/api/v1/municipalities", {"pageSize": 100})
    assert response.status_code == 200
    assert response["API-Version"] == "1.0.0"
    data = response.json()
    assert data["count"] == 342
    assert len(data["results"]) == 100
    assert data["next"].endswith("page=2&pageSize=100")


def test_filters_province_size_class_grouping(api):
    data = api.get("/api/v1/municipalities", {"province": "PV24"}).json()
    assert data["count"] == 6
    data = api.get("/api/v1/municipalities", {"grouping": "g4"}).json()
    assert {m["cbs_code"] for m in data["results"]} == {"GM0363", "GM0599", "GM0518", "GM0344"}
    data = api.get("/api/v1/municipalities", {"sizeClass": "kennis2021-100k-plus"}).json()
    assert data["count"] > 20
    for municipality in data["results"]:
        assert municipality["inhabitants"] > 100_000
        classes = {c["scheme"]: c["size_class"] for c in municipality["size_classes"]}
        assert classes["kennis2021"] == "kennis2021-100k-plus"


def test_detail_by_cbs_code(api):
    data = api.get("/api/v1/municipalities/GM0518").json()
    assert data["name"] == "'s-Gravenhage"
    assert data["common_name"] == "Den Haag"
    assert data["province"] == {"code": "PV28", "name": "Zuid-Holland"}
    assert "g4" in {g["slug"] for g in data["groupings"]}


def test_unknown_code_is_problem_json_404(api):
    response = api.get("/api/v1/municipalities/GM9999")
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == 404
    assert "GM9999" in body["detail"]
    assert response["API-Version"]


def test_malformed_code_and_former_code_explained(api):
    response = api.get("/api/v1/municipalities/enschede")
    assert response.status_code == 404
    assert "GM" in response.json()["detail"]
    former = api.get("/api/v1/municipalities/GM0017")  # Haren, now Groningen
    assert former.status_code == 404
    assert "GM0014" in former.json()["detail"]
    resolved = api.get("/api/v1/former-municipalities/GM0017").json()
    assert resolved["current"]["cbs_code"] == "GM0014"
    assert resolved["steps"][0]["effective_date"] == "2019-01-01"


def test_unknown_api_path_is_problem_json(api):
    response = api.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM


def test_invalid_filter_is_problem_json_400(api):
    response = api.get("/api/v1/municipalities", {"province": "PV99"})
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["invalid_params"][0]["name"] == "province"


def test_places_and_countries(api):
    results = api.get("/api/v1/places", {"q": "Neurenberg"}).json()["results"]
    assert results[0]["country"]["iso2"] == "DE"
    assert "Nürnberg" in results[0]["name_variants"] or results[0]["name"] == "Nuremberg"
    germany = api.get("/api/v1/countries/de").json()
    assert germany["name_nl"] == "Duitsland"
    bad = api.get("/api/v1/places", {"q": "x", "country": "ZZ"})
    assert bad.status_code == 400 and bad["Content-Type"] == PROBLEM


def test_openapi_document(api):
    response = api.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["servers"][0]["url"] == "/api/v1"  # the paths are relative to it
    for path in [
        "/municipalities",
        "/municipalities/{cbs_code}",
        "/organisations",
        "/countries",
        "/places",
        "/tokens",
        "/practices",
        "/practices/{slug}/adoptions",
    ]:
        assert path in schema["paths"], path


def test_human_readable_docs(client):
    body = client.get("/api/v1/docs").content.decode()
    assert "/api/v1/municipalities/{cbs_code}" in body
    assert "openapi.json" in body


def test_list_query_count_is_constant(api):
    with CaptureQueriesContext(connection) as small:
        api.get("/api/v1/municipalities", {"pageSize": 5})
    with CaptureQueriesContext(connection) as large:
        api.get("/api/v1/municipalities", {"pageSize": 300})
    assert len(large) == len(small)


# --- tokens and permissions -------------------------------------------------


def test_token_from_email_and_password(api, enschede_contributor):
    response = api.post(
        "/api/v1/tokens",
        {"email": enschede_contributor.email.upper(), "password": "a-long-test-password"},
        format="json",
    )
    assert response.status_code == 200
    assert Token.objects.get(user=enschede_contributor).key == response.json()["token"]
    wrong = api.post(
        "/api/v1/tokens", {"email": enschede_contributor.email, "password": "nope"}, format="json"
    )
    assert wrong.status_code == 401
    assert wrong["Content-Type"] == PROBLEM


def test_write_without_token_is_refused(api):
    response = api.patch("/api/v1/organisations/gm0153", {"website": "https://x.nl"}, format="json")
    assert response.status_code in (401, 403)
    assert response["Content-Type"] == PROBLEM


def test_contributor_updates_own_organisation(enschede_contributor):
    client = token_client(enschede_contributor)
    response = client.patch(
        "/api/v1/organisations/gm0153",
        {"website": "https://www.enschede.nl", "domains": ["sociaal-domein"]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    organisation = Organisation.objects.get(slug="gm0153")
    assert organisation.website == "https://www.enschede.nl"
    assert list(organisation.domains.values_list("slug", flat=True)) == ["sociaal-domein"]


@pytest.mark.parametrize("slug", ["gm0988", "vng"])
def test_contributor_cannot_change_other_organisation(enschede_contributor, slug):
    before = Organisation.objects.get(slug=slug).website
    response = token_client(enschede_contributor).patch(
        f"/api/v1/organisations/{slug}", {"website": "https://evil.example"}, format="json"
    )
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM
    assert Organisation.objects.get(slug=slug).website == before


def test_contributor_cannot_change_register_facts(enschede_contributor):
    response = token_client(enschede_contributor).patch(
        "/api/v1/municipalities/GM0153", {"inhabitants": 1}, format="json"
    )
    assert response.status_code == 403


def test_facilitator_corrects_register_facts_but_not_the_cbs_name(facilitator):
    response = token_client(facilitator).patch(
        "/api/v1/municipalities/GM0153",
        {"inhabitants": 160001, "name": "Andere naam"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["inhabitants"] == 160001
    municipality = Municipality.objects.get(cbs_code="GM0153")
    assert (municipality.inhabitants, municipality.name) == (160001, "Enschede")


def test_municipal_name_is_locked_and_errors_are_problem_json(enschede_contributor):
    response = token_client(enschede_contributor).patch(
        "/api/v1/organisations/gm0153",
        {"name": "Andere naam", "website": "geen-url"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    names = {p["name"] for p in response.json()["invalid_params"]}
    assert "website" in names
    assert Organisation.objects.get(slug="gm0153").name == "Enschede"


def test_only_facilitators_create_organisations(enschede_contributor, facilitator):
    payload = {"slug": "nieuw-netwerk", "name": "Nieuw netwerk", "type": "network"}
    assert (
        token_client(enschede_contributor)
        .post("/api/v1/organisations", payload, format="json")
        .status_code
        == 403
    )
    response = token_client(facilitator).post("/api/v1/organisations", payload, format="json")
    assert response.status_code == 201, response.json()
    duplicate = token_client(facilitator).post("/api/v1/organisations", payload, format="json")
    assert duplicate.status_code == 400
