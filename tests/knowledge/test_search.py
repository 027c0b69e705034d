"""Dutch search over the demo practices from the sources, on SQLite and PostgreSQL alike."""

from pathlib import Path

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kennisschakel.knowledge.models import Practice
from kennisschakel.knowledge.search import practice_search

CASES_FILE = (
    Path(__file__).resolve().parents[2] / "src/kennisschakel/knowledge/data/search_cases.yaml"
)
CASES = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8")) if CASES_FILE.exists() else []

pytestmark = pytest.mark.django_db


def test_there_are_enough_cases_of_every_kind():
    kinds = {case["kind"] for case in CASES}
    assert len(CASES) >= 20
    assert {"compound", "stemming", "diacritics", "synonym"} <= kinds


@pytest.mark.parametrize("case", CASES, ids=[case["query"] for case in CASES])
def test_expected_practice_in_top_three(case):
    result = practice_search.search(case["query"], limit=3)
    top = [hit.practice.slug for hit in result.hits]
    for slug in case["expected"]:
        assert slug in top, (case["query"], top)


def test_facet_filters_narrow_the_results():
    everything = practice_search.search("")
    assert everything.total == Practice.objects.published().count()
    lessons = practice_search.search("", {"negative": {"yes"}})
    assert 0 < lessons.total < everything.total
    assert all(hit.practice.negative_lessons for hit in lessons.hits)
    overijssel = practice_search.search("", {"province": {"PV23"}})
    assert overijssel.total > 0
    for hit in overijssel.hits:
        assert hit.practice.owner.municipality.province.code == "PV23"
    assert everything.facet_counts["negative"]["yes"] == lessons.total


def test_new_and_archived_practices_show_up_at_once(make_practice):
    assert practice_search.search("Zwiebertje").total == 0
    practice = make_practice(title="Het Zwiebertje-overleg over schulden")
    assert [h.practice for h in practice_search.search("zwiebertje").hits] == [practice]
    practice.status = Practice.Status.ARCHIVED
    practice.save()
    assert practice_search.search("zwiebertje").total == 0


def test_snippets_highlight_and_escape(make_practice):
    make_practice(title="Voorbeeld", summary="Armoedebestrijding <script>x</script> in de wijk.")
    hit = practice_search.search("armoede voorbeeld").hits[0]
    assert "<mark>" in hit.snippet
    assert "<script>" not in hit.snippet and "&lt;script&gt;" in hit.snippet


def test_search_page_with_facets_and_constant_queries(client):
    url = reverse("knowledge:practice-list")
    response = client.get(url, {"q": "afval"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<mark>" in body
    assert "Beleidsdomein" in body  # facet legend
    with CaptureQueriesContext(connection) as narrow:
        client.get(url, {"q": "afval", "negative": "yes"})
    with CaptureQueriesContext(connection) as wide:
        client.get(url)
    assert len(wide) <= len(narrow) + 2
    partial = client.get(url, {"q": "afval"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "<mark>" in partial


def test_api_search_with_facets(client):
    data = client.get("/api/v1/practices", {"q": "afval", "pageSize": 5}).json()
    assert data["count"] >= 1
    assert "facets" in data and "domain" in data["facets"]
    assert all("score" in item for item in data["results"])
