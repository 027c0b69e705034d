"""The OpenAPI document keeps the NL API Design Rules (issue 11, point 9).

`make lint-api` runs the published linter (Spectral, tools/adr/); these tests hold the
same contract without Node.js: servers with the major version, a contact, a 400
problem+json answer on every operation, the API-Version header on every success
answer, and only lower camelCase query parameters — and the API behaves as documented.
"""

import re

import pytest
from rest_framework.test import APIClient

from kennisschakel.matching.models import Offer
from kennisschakel.partnerships.models import ExchangeActivity, NetworkMembership
from kennisschakel.register.models import Merger

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
# The linter's rule nlgov:query-keys-camel-case.
LOWER_CAMEL_CASE = re.compile(r"^\$?[a-z][a-z\d]*([A-Z][a-z\d]*)*$")


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def document(api):
    response = api.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(document):
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield f"{method.upper()} {path}", item[method]


def resolve(document, schema):
    while "$ref" in schema:
        *_, kind, name = schema["$ref"].split("/")
        schema = document["components"][kind][name]
    return schema


def test_servers_carry_the_major_version_and_address_the_api(api, document):
    servers = document["servers"]
    assert servers
    for server in servers:
        assert re.search(r"/v\d", server["url"]), server
        assert not server["url"].startswith("http://"), server
    # The paths are relative to the server: together they are the real address.
    assert "/municipalities" in document["paths"]
    url = servers[0]["url"].rstrip("/") + "/municipalities"
    assert api.get(url).status_code == 200


def test_info_names_a_contact_and_a_semantic_version(document):
    contact = document["info"]["contact"]
    assert contact["name"] and "@" in contact["email"] and contact["url"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", document["info"]["version"])


def test_every_operation_documents_a_400_problem(document):
    found = list(operations(document))
    assert len(found) > 50
    for name, operation in found:
        response = operation["responses"].get("400")
        assert response, f"{name} documents no 400"
        schema = resolve(document, response["content"][PROBLEM]["schema"])
        assert {"status", "title", "detail"} <= set(schema["properties"]), name
        assert {"status", "title", "detail"} <= set(schema["required"]), name


def test_every_success_answer_documents_the_api_version_header(document):
    checked = 0
    for name, operation in operations(document):
        for code, response in operation["responses"].items():
            if code.startswith(("2", "3")):
                assert "API-Version" in response.get("headers", {}), f"{name} → {code}"
                checked += 1
    assert checked > 50


def test_query_parameters_are_lower_camel_case(document):
    names = {
        parameter["name"]
        for _name, operation in operations(document)
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query"
    }
    assert {"page", "pageSize", "sizeClass", "oldCode", "worldRegion"} <= names
    assert [n for n in names if not LOWER_CAMEL_CASE.match(n)] == []


def test_the_documented_header_and_version_are_sent(api, document):
    response = api.get("/api/v1/provinces")
    assert response.status_code == 200
    assert response["API-Version"] == document["info"]["version"]


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", "/api/v1/municipalities", {"sizeClass": "no-such-class"}),
        ("get", "/api/v1/municipalities", {"pageSize": "many"}),
        ("get", "/api/v1/practices", {"pageSize": "many"}),
        ("get", "/api/v1/former-municipalities/GM0017", {"date": "yesterday"}),
        ("get", "/api/v1/provinces", {"q": "\x00"}),
        ("post", "/api/v1/tokens", '{"email": '),
    ],
)
def test_malformed_input_is_answered_with_the_documented_400(api, method, path, data):
    if isinstance(data, str):
        response = api.generic(method.upper(), path, data, content_type="application/json")
    else:
        response = getattr(api, method)(path, data)
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == 400 and body["title"] and body["detail"]
    assert response["API-Version"]


def test_page_size_is_named_page_size_in_camel_case(api):
    data = api.get("/api/v1/municipalities", {"pageSize": 100}).json()
    assert len(data["results"]) == 100
    assert data["next"].endswith("page=2&pageSize=100")
    practices = api.get("/api/v1/practices", {"pageSize": 2}).json()
    assert len(practices["results"]) == 2 < practices["count"]


def test_renamed_filters_filter(api):
    merger = Merger.objects.exclude(old_code="").first()
    old = api.get("/api/v1/mergers", {"oldCode": merger.old_code}).json()["results"]
    assert old and {m["old_code"] for m in old} == {merger.old_code}

    european = api.get("/api/v1/countries", {"worldRegion": "west-europa"}).json()
    everywhere = api.get("/api/v1/countries").json()
    assert 0 < european["count"] < everywhere["count"]

    activity = ExchangeActivity.objects.filter(partnership__isnull=False).first()
    slug = activity.partnership.slug
    listed = api.get("/api/v1/activities", {"partnership": slug}).json()
    assert listed["count"] == ExchangeActivity.objects.filter(partnership__slug=slug).count()
    assert listed["count"] < api.get("/api/v1/activities").json()["count"]

    membership = NetworkMembership.objects.select_related("network").first()
    members = api.get("/api/v1/network-memberships", {"network": membership.network.slug}).json()
    assert {m["network"] for m in members["results"]} == {membership.network.slug}


def test_partnerships_by_country_as_on_the_partnerships_page(api, client):
    ghana = api.get("/api/v1/partnerships", {"country": "gh"}).json()
    page = client.get("/partnerschappen/", {"country": "GH"})
    assert ghana["count"] == len(page.context["partnerships"]) > 0


def test_offers_by_organisation(make_user):
    user = make_user(cbs_code="GM0153")
    api = APIClient()
    api.force_authenticate(user)
    mine = Offer.objects.filter(organisation=user.organisation)
    listed = api.get("/api/v1/offers", {"organisation": user.organisation.slug}).json()
    assert listed["count"] == mine.count()
    assert all(o["organisation"] == user.organisation.slug for o in listed["results"])


def test_the_html_pages_use_the_same_names(client):
    """The site shares the FilterSets and facets: its forms and links use the new names."""
    listing = client.get("/gemeenten/").content.decode()
    assert 'name="sizeClass"' in listing and "size_class" not in listing
    detail = client.get("/gemeenten/GM0153/").content.decode()
    assert "/gemeenten/?sizeClass=" in detail
    big = client.get("/gemeenten/", {"sizeClass": "gib2009-100k-plus"}).context["rows"]
    assert big and all(m.inhabitants > 100_000 for m, _classes in big)

    everything = client.get("/praktijken/")
    facet = next(f for f in everything.context["facets"] if f["name"] == "sizeClass")
    value = facet["options"][0]["value"]
    narrowed = client.get("/praktijken/", {"sizeClass": value})
    assert 0 < narrowed.context["result"].total < everything.context["result"].total
    assert f'name="sizeClass" value="{value}"' in narrowed.content.decode()
