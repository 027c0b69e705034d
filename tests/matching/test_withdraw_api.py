"""The asking side can withdraw an introduction through the API too, under the site's rule."""

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from kennisschakel.accounts.models import Role
from kennisschakel.core.api.problems import PROBLEM_CONTENT_TYPE
from kennisschakel.matching import services
from kennisschakel.matching.models import Introduction
from tests.accounts.factories import api_client

pytestmark = pytest.mark.django_db

MESSAGE = "Wij willen graag leren van uw aanpak."


def api_as(user) -> APIClient:
    return api_client(user)  # the user's token in the Authorization header


def withdraw_url(introduction) -> str:
    return f"/api/v1/introductions/{introduction.pk}/withdraw"


@pytest.fixture
def asked(weert_contributor, enschede_contributor):
    """Weert asks Enschede."""
    return services.request_introduction(weert_contributor, "municipality:GM0153", MESSAGE)


def test_the_asking_side_withdraws_through_the_api(asked, make_user):
    colleague = make_user(Role.COORDINATOR, "GM0988")
    response = api_as(colleague).post(withdraw_url(asked))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == Introduction.Status.WITHDRAWN
    asked.refresh_from_db()
    assert asked.status == Introduction.Status.WITHDRAWN


def test_withdrawing_twice_is_a_409_problem(asked, weert_contributor):
    client = api_as(weert_contributor)
    assert client.post(withdraw_url(asked)).status_code == 200
    again = client.post(withdraw_url(asked))
    assert again.status_code == 409
    assert again["Content-Type"].startswith(PROBLEM_CONTENT_TYPE)
    assert again.json()["status"] == 409
    # Dutch by default, and about withdrawing (not "your answer").
    assert "niet meer intrekken" in again.json()["detail"]


def test_an_answered_request_cannot_be_withdrawn(asked, weert_contributor, enschede_contributor):
    services.answer_introduction(asked, enschede_contributor, accept=True)
    response = api_as(weert_contributor).post(withdraw_url(asked))
    assert response.status_code == 409
    asked.refresh_from_db()
    assert asked.status == Introduction.Status.ACCEPTED


def test_only_the_asking_sides_contributors_may_withdraw(
    asked, make_user, enschede_contributor, facilitator
):
    weert_reader = make_user(Role.READER, "GM0988")
    zwolle_contributor = make_user(Role.CONTRIBUTOR, "GM0193")
    # The side asked sees it but may not withdraw it; a reader of the asking side neither.
    assert api_as(enschede_contributor).post(withdraw_url(asked)).status_code == 403
    assert api_as(weert_reader).post(withdraw_url(asked)).status_code == 403
    # Third parties, facilitators included, do not see it at all.
    assert api_as(zwolle_contributor).post(withdraw_url(asked)).status_code == 404
    assert api_as(facilitator).post(withdraw_url(asked)).status_code == 404
    assert APIClient().post(withdraw_url(asked)).status_code in (401, 403)
    asked.refresh_from_db()
    assert asked.status == Introduction.Status.REQUESTED


def test_the_openapi_document_names_the_409_answers():
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    for path in ("/introductions/{id}/answer", "/introductions/{id}/withdraw"):
        responses = paths[path]["post"]["responses"]
        assert PROBLEM_CONTENT_TYPE in responses["409"]["content"], path
        assert "200" in responses
