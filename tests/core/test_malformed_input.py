"""Malformed input is the client's mistake: 400 (problem+json in the API), never a 500.

NUL bytes in paths, query strings and forms, empty or impossible dates, and numbers beyond
what a database column holds (issue 10, D22). Every URL is requested on both databases.
"""

import pytest
from django.db import transaction

from kennisschakel.core.middleware import _JSON_NUL
from tests.knowledge.factories import PracticeFactory
from tests.partnerships.factories import PartnershipFactory

HUGE = "99999999999999999999"

SITE_URLS = [
    "/praktijken/%00/",
    "/praktijken/a%00b/bewerken/",
    "/organisaties/%00/",
    "/gemeenten/%00/",
    "/gemeenten/GM%000153/",
    "/landen/%00/",
    "/partnerschappen/%00/",
    "/uitwisselingen/%00/",
    "/monitor/%00/",
    "/monitor/golven/%00/rapport/",
    "/toestemming/%00/",
    "/netwerken/%00/balans/",
    "/praktijken/?q=%00",
    "/gemeenten/?q=a%00b",
    "/organisaties/?q=%00",
    "/buitenland/?q=%00",
    "/hulp-zoeken/?q=%00",
    "/landen/?region=%00",
    "/partnerschappen/?country=%00",
    "/partnerschappen/?region=%00",
    "/landschap/?domain=%00",
    f"/gemeenten/?page={HUGE}",
    f"/praktijken/?page={HUGE}",
    "/praktijken/?page=1e400",
    f"/organisaties/?page={HUGE}",
    f"/gemeenten/?province={HUGE}",
    f"/gemeenten/?sizeClass={HUGE}",
    f"/organisaties/?domain={HUGE}",
    f"/buitenland/plaatsen/{HUGE}/",
    f"/kennisvragen/{HUGE}/",
    f"/kennisaanbod/{HUGE}/",
    f"/introducties/{HUGE}/",
    f"/contactpersonen/{HUGE}/export/",
    f"/netwerken/lidmaatschap/{HUGE}/",
    f"/introducties/nieuw/?question={HUGE}",
    "/introducties/nieuw/?question=%00",
    f"/partnerschappen/balansen/?year={HUGE}",
    "/partnerschappen/balansen/?year=1e400",
    "/partnerschappen/balansen/?year=",
    "/partnerschappen/balansen/?from=&to=",
    "/partnerschappen/balansen/?from=%00",
]

API_URLS = [
    "/api/v1/practices/%00",
    "/api/v1/municipalities/%00",
    "/api/v1/organisations/%00",
    "/api/v1/countries/%00",
    "/api/v1/former-municipalities/%00",
    "/api/v1/former-municipalities/GM0001?date=",
    "/api/v1/former-municipalities/GM0001?date=%00",
    "/api/v1/former-municipalities/GM0001?date=2020-13-45",
    "/api/v1/waves/%00",
    "/api/v1/partnerships/%00",
    "/api/v1/activities/%00",
    "/api/v1/reciprocity/%00",
    "/api/v1/groupings/%00",
    "/api/v1/size-schemes/%00",
    "/api/v1/instruments/%00",
    "/api/v1/municipalities?q=%00",
    "/api/v1/practices?q=%00",
    "/api/v1/places?q=%00",
    "/api/v1/organisations?q=%00",
    "/api/v1/matches?q=%00",
    "/api/v1/reciprocity?year=%00",
    f"/api/v1/municipalities?page={HUGE}",
    "/api/v1/municipalities?page=1e400",
    f"/api/v1/practices?page={HUGE}",
    "/api/v1/practices?page=1e400",
    f"/api/v1/practices?pageSize={HUGE}",
    f"/api/v1/municipalities?province={HUGE}",
    f"/api/v1/organisations?domain={HUGE}",
    f"/api/v1/places/{HUGE}",
    f"/api/v1/questions/{HUGE}",
    f"/api/v1/offers/{HUGE}",
    f"/api/v1/introductions/{HUGE}",
    f"/api/v1/network-memberships/{HUGE}",
    f"/api/v1/reciprocity?year={HUGE}",
    "/api/v1/reciprocity?year=1e400",
    "/api/v1/reciprocity?year=",
    "/api/v1/reciprocity?from=&to=",
    f"/api/v1/reciprocity/GM0153?year={HUGE}",
    "/api/v1/reciprocity/GM0153?from=%00",
]


def object_urls() -> list[str]:
    """URLs of real objects (made here) with malformed query parameters."""
    practice = PracticeFactory()
    partnership = PartnershipFactory()
    return [
        f"/praktijken/{practice.slug}/?q=%00",
        f"/partnerschappen/{partnership.slug}/wederzijds-leren/?year={HUGE}",
        f"/partnerschappen/{partnership.slug}/wederzijds-leren/?year=1e400",
        f"/partnerschappen/{partnership.slug}/wederzijds-leren/?year=",
        f"/partnerschappen/{partnership.slug}/wederzijds-leren/?year=%00",
        f"/api/v1/partnerships/{partnership.slug}/learning?year={HUGE}",
        f"/api/v1/partnerships/{partnership.slug}/learning?year=%00",
        "/monitor/geen-golf/vragen/%00/",
        "/monitor/golven/geen-golf/rapport/grafiek/%00.svg",
        f"/api/v1/waves/geen-golf/invitations?page={HUGE}",
    ]


def get_in_savepoint(client, url, **extra):
    """A failed query aborts a PostgreSQL transaction; keep each request in its own savepoint
    so one request's database error cannot hide or cause another's."""
    sid = transaction.savepoint()
    try:
        return client.get(url, **extra)
    finally:
        transaction.savepoint_rollback(sid)


def assert_client_error(response, url):
    assert response.status_code < 500, f"{url} answered {response.status_code}"
    if url.startswith("/api/") and response.status_code >= 400:
        assert response["Content-Type"].startswith("application/problem+json"), url


@pytest.mark.django_db
def test_malformed_site_urls_never_answer_500(client, facilitator):
    client.raise_request_exception = False
    client.force_login(facilitator)
    failures = []
    for url in SITE_URLS + [u for u in object_urls() if not u.startswith("/api/")]:
        response = get_in_savepoint(client, url)
        if response.status_code >= 500:
            failures.append((url, response.status_code))
    assert failures == []


@pytest.mark.django_db
def test_malformed_api_urls_answer_problem_json(client, facilitator):
    client.raise_request_exception = False
    client.force_login(facilitator)
    failures = []
    for url in API_URLS + [u for u in object_urls() if u.startswith("/api/")]:
        response = get_in_savepoint(client, url)
        if response.status_code >= 500 or (
            response.status_code >= 400
            and not response["Content-Type"].startswith("application/problem+json")
        ):
            failures.append((url, response.status_code, response["Content-Type"]))
    assert failures == []


@pytest.mark.django_db
def test_nul_bytes_in_forms_and_json_bodies_answer_400(client):
    client.raise_request_exception = False
    form = client.post("/account/inloggen/", {"username": "a\x00b@example.org", "password": "x"})
    assert form.status_code == 400
    assert "Het adres of het formulier bevat een ongeldig teken" in form.content.decode()

    api = client.post(
        "/api/v1/tokens",
        data='{"email": "a\\u0000b@example.org", "password": "x"}',
        content_type="application/json",
    )
    assert api.status_code == 400
    assert api["Content-Type"].startswith("application/problem+json")
    assert api.json()["status"] == 400


@pytest.mark.parametrize(
    ("body", "has_nul"),
    [
        (rb'{"a": "x\u0000"}', True),
        (rb'{"a": "x\\\u0000"}', True),  # an escaped backslash, then a NUL
        (rb'{"a": "x\\u0000"}', False),  # an escaped backslash, then the text u0000
        (rb'{"a": "x\u00001"}', True),
        (rb'{"a": "x\u0001"}', False),
    ],
)
def test_nul_escapes_in_json_are_told_from_escaped_backslashes(body, has_nul):
    assert bool(_JSON_NUL.search(body)) is has_nul


@pytest.mark.django_db
def test_malformed_page_answers_in_dutch_with_the_site_layout(client):
    response = client.get("/praktijken/%00/")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Verzoek niet begrepen" in html
    assert 'lang="nl"' in html
