"""English questions find Dutch practices; the optional English summary (issue 12).

The questions are written the way an English-speaking officer or partner would ask them;
none of them names the practice's municipality, so only the translation of the subject
can find it (the Dutch words the practice uses are not typed).
"""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from kennisschakel.knowledge.models import Practice
from kennisschakel.knowledge.search import practice_search

pytestmark = pytest.mark.django_db

ENGLISH_QUESTIONS = [
    ("Which towns have a city link with China about trade?", "weert-huangzhou-stedenband-handel"),
    ("waste collection in Morocco", "meppel-al-hoceima-afvalbeheer"),
    ("fire brigade exchange with Turkey", "amsterdam-kocaeli-brandweer"),
    ("monument care in Turkey", "amsterdam-kocaeli-cultureel-erfgoed"),
    ("police cooperation with Morocco", "rotterdam-casablanca-politie-uitwisseling"),
    ("peer review teams for the social support act", "intergemeentelijke-visiteteams-wmo"),
    (
        "debt counselling together with addiction care",
        "schuldhulpverlening-gekoppeld-aan-verslavingszorg",
    ),
    ("council ambassadors for city links", "raadsambassadeurs-voor-stedenbanden"),
    ("one-stop shop for work and income", "den-haag-integraal-loket-werk-inkomen"),
    ("cross-border mobility with Belgium", "weert-belgie-grensoverschrijdende-mobiliteit"),
    ("youth participation in Morocco", "zeist-berkane-jongerenparticipatie"),
    ("How can we reduce noise?", "enschede-geluidsreductie-neurenberg"),
    ("resilient cities network", "den-haag-resilient-cities-en-beleidsnetwerken"),
    ("How do other cities separate waste?", "haarlem-emirdag-afvalscheiding"),
]


def english_client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def top_slugs(response, n=3) -> list[str]:
    return [hit.practice.slug for hit in response.context["hits"][:n]]


@pytest.mark.parametrize(
    ("question", "slug"), ENGLISH_QUESTIONS, ids=[q for q, _s in ENGLISH_QUESTIONS]
)
def test_english_question_finds_the_dutch_practice_on_the_search_page(client, question, slug):
    response = english_client(client).get(reverse("knowledge:practice-list"), {"q": question})
    assert response.status_code == 200
    assert slug in top_slugs(response), (question, top_slugs(response))
    assert response.context["query"] == question  # the page keeps the question as typed


def test_without_translation_most_of_these_questions_miss(monkeypatch):
    """The baseline the translation is measured against: the same questions searched as
    typed (the engine directly, with its per-concept translation hook switched off) find
    the practice in the top three far less often."""
    from kennisschakel.engines.text import query

    monkeypatch.setattr(query, "translations", lambda words: [])
    practice_search.search("")  # opens the index
    found = 0
    for question, slug in ENGLISH_QUESTIONS:
        hits = practice_search._index.search(question, limit=3, facet_names=[]).hits
        ids = [hit.id for hit in hits]
        found += Practice.objects.get(slug=slug).pk in ids
    assert found <= len(ENGLISH_QUESTIONS) // 2


def test_an_english_question_is_translated_with_a_dutch_interface_too():
    with translation.override("nl"):
        result = practice_search.search("waste collection in Morocco", limit=3)
    assert "meppel-al-hoceima-afvalbeheer" in [hit.practice.slug for hit in result.hits]
    assert result.dutch_query == "afvalinzameling Marokko"


def test_a_dutch_query_is_left_alone_in_the_english_interface():
    with translation.override("en"):
        result = practice_search.search("afvalscheiding", limit=3)
    assert result.dutch_query == ""
    assert result.hits[0].practice.slug == "haarlem-emirdag-afvalscheiding"


def test_english_snippets_mark_the_dutch_words_found():
    with translation.override("en"):
        result = practice_search.search("waste separation", limit=1)
    assert "<mark>" in result.hits[0].snippet


# -- the English summary ------------------------------------------------------------------


def test_english_summary_is_searched(make_practice):
    assert practice_search.search("Zwiebertje").total == 0
    practice = make_practice(
        title="Taalcafé voor nieuwkomers",
        summary_en="Volunteers run a Zwiebertje language café for newcomers.",
    )
    assert "summary_en" in practice.search_terms
    with translation.override("en"):
        found = practice_search.search("Zwiebertje language cafe")
    assert [hit.practice for hit in found.hits][:1] == [practice]
    with translation.override("nl"):
        assert [hit.practice for hit in practice_search.search("zwiebertje").hits] == [practice]


def english_summary_practice(make_practice):
    return make_practice(
        title="Buurtbudget voor jongeren",
        summary="Jongeren bepalen zelf de besteding van een buurtbudget.",
        summary_en="Young people decide how a neighbourhood budget is spent.",
    )


def test_english_summary_matches_translated_words_with_the_concept_hook(make_practice, monkeypatch):
    """With the per-concept hook plugged into query parsing and the adapter keeping the
    English words, an English summary matches the question's words as typed while Dutch
    texts still match their translations."""
    import kennisschakel.knowledge.search as adapter
    from kennisschakel.engines.text import bilingual, query

    practice = english_summary_practice(make_practice)
    monkeypatch.setattr(query, "translations", bilingual.dutch_translations)
    monkeypatch.setattr(
        adapter,
        "translate_query",
        lambda text, language=None: bilingual.translate_query(text, language, keep_english=True),
    )
    with translation.override("en"):
        found = practice_search.search("neighbourhood budget for young people", limit=3)
        assert found.hits[0].practice == practice
        waste = practice_search.search("How do other cities separate waste?", limit=3)
        assert waste.hits[0].practice.slug == "haarlem-emirdag-afvalscheiding"


def test_english_summary_matches_a_translated_question_with_the_two_way_hook(
    make_practice, monkeypatch
):
    """The adapter as shipped turns the question into Dutch; with the two-way hook
    (bilingual.translations) plugged into query parsing, the Dutch words bring their
    English back, so the English summary is found as well."""
    from kennisschakel.engines.text import bilingual, query

    practice = english_summary_practice(make_practice)
    with translation.override("en"):
        assert practice_search.search("neighbourhood budget for young people").dutch_query
        monkeypatch.setattr(query, "translations", bilingual.translations)
        found = practice_search.search("neighbourhood budget for young people", limit=3)
    assert found.hits[0].practice == practice


def test_practices_without_english_summary_keep_their_search_terms(make_practice):
    practice = make_practice(title="Schuldhulp aan de keukentafel")
    assert "summary_en" not in practice.search_terms
    fields = {name for name in practice.search_terms if not name.startswith("#")}
    assert fields <= {"title", "summary", "body", "negative_lessons"}


def test_practice_page_shows_the_english_summary_in_english_only(client, make_practice):
    practice = make_practice(
        title="Taalcafé voor nieuwkomers",
        summary="Vrijwilligers houden een taalcafé.",
        summary_en="Volunteers run a language café.",
    )
    url = practice.get_absolute_url()
    dutch = client.get(url).content.decode()
    assert "Volunteers run a language café." not in dutch
    assert '<p class="lead">Vrijwilligers houden een taalcafé.</p>' in dutch
    english = english_client(client).get(url).content.decode()
    assert '<p class="lead" lang="en">Volunteers run a language café.</p>' in english
    assert '<span lang="nl">Vrijwilligers houden een taalcafé.</span>' in english


def test_practice_page_without_english_summary_shows_the_dutch_one(client, make_practice):
    practice = make_practice(title="Taalcafé voor nieuwkomers", summary="Vrijwilligers helpen.")
    english = english_client(client).get(practice.get_absolute_url()).content.decode()
    assert '<p class="lead" lang="nl">Vrijwilligers helpen.</p>' in english


def test_form_saves_the_english_summary_and_history_records_it(client, enschede_contributor):
    from kennisschakel.register.models import PolicyDomain

    client.force_login(enschede_contributor)
    form_page = client.get(reverse("knowledge:practice-create")).content.decode()
    assert "Samenvatting in het Engels" in form_page
    assert 'name="summary_en"' in form_page and 'lang="en"' in form_page
    data = {
        "kind": "praktijk",
        "title": "Buurtbudget voor jongeren",
        "summary": "Jongeren bepalen zelf de besteding van een buurtbudget.",
        "summary_en": "Young people decide how a neighbourhood budget is spent.",
        "domains": [PolicyDomain.objects.get(slug="jeugd").pk],
        "maturity": "in-uitvoering",
        "languages": "nl, en",
        "publish": "1",
    }
    assert client.post(reverse("knowledge:practice-create"), data).status_code == 302
    practice = Practice.objects.get(title="Buurtbudget voor jongeren")
    assert practice.summary_en == data["summary_en"]
    assert "summary_en" in practice.revisions.get().changes
    assert "summary_en" in practice.search_terms


def test_form_refuses_an_overlong_english_summary(client, enschede_contributor):
    client.force_login(enschede_contributor)
    response = client.post(
        reverse("knowledge:practice-create"),
        {"kind": "praktijk", "title": "Buurtbudget", "summary": "Kort.", "summary_en": "x" * 1001},
    )
    assert response.status_code == 400
    assert Practice.objects.filter(title="Buurtbudget").count() == 0


def test_api_reads_and_writes_the_english_summary(make_user, make_practice):
    user = make_user(cbs_code="GM0153")
    practice = make_practice("GM0153", title="Taalcafé voor nieuwkomers")
    api = APIClient()
    api.force_authenticate(user)
    url = f"/api/v1/practices/{practice.slug}"
    read = api.get(url).json()
    assert read["summary_en"] == ""
    changed = api.patch(
        url,
        {"summary_en": "A language café run by volunteers.", "version": read["version"]},
        format="json",
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["summary_en"] == "A language café run by volunteers."
    practice.refresh_from_db()
    assert practice.summary_en == "A language café run by volunteers."
    assert "summary_en" in practice.search_terms
