"""English mode, the last marks of issue 13: introduction pages, practice titles quoted in
match explanations, and the Dutch-content note on the landscape and balance pages. In
Dutch mode none of it shows (the page itself is lang="nl")."""

import re

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from kennisschakel.engines.matching.model import Reason
from kennisschakel.matching import explain, services
from kennisschakel.matching.models import Question
from tests.partnerships.factories import NetworkFactory

pytestmark = pytest.mark.django_db

NOTE = "Content written by municipalities is shown in Dutch"
QUESTION = "Wie heeft ervaring met warmtenetten in oude wijken? Wij beginnen volgend jaar."
MESSAGE = "Wij willen graag leren van uw aanpak van warmtenetten."


def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _main(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return re.search(r"<main.*?</main>", response.content.decode(), re.S).group(0)


@pytest.fixture
def introduction(weert_contributor):
    question = Question.objects.create(
        organisation=weert_contributor.organisation,
        title="",
        text=QUESTION,
        created_by=weert_contributor,
    )
    return services.request_introduction(
        weert_contributor, "municipality:GM0153", MESSAGE, question
    )


def test_introduction_pages_mark_the_dutch_question_and_message(
    client, weert_contributor, introduction
):
    heading = "Wie heeft ervaring met warmtenetten in oude wijken?"
    assert introduction.heading == heading
    client.force_login(weert_contributor)
    _english(client)
    detail = _main(client, introduction.get_absolute_url())
    assert f'<h1 lang="nl">{heading}</h1>' in detail
    assert re.search(r'<a href="[^"]+" lang="nl">' + re.escape(heading) + "</a>", detail)
    assert f'<p lang="nl">{MESSAGE}</p>' in detail
    assert detail.count(NOTE) == 1
    listing = _main(client, reverse("matching:introduction-list"))
    assert re.search(r'lang="nl">' + re.escape(heading) + "</a>", listing)
    assert NOTE in listing
    form = _main(
        client,
        f"{reverse('matching:introduction-create')}?key=municipality:GM0014"
        f"&question={introduction.question_id}",
    )
    assert re.search(r'lang="nl">' + re.escape(heading) + "</a>", form)


def test_introduction_pages_in_dutch_add_nothing(client, weert_contributor, introduction):
    client.force_login(weert_contributor)
    for url in (introduction.get_absolute_url(), reverse("matching:introduction-list")):
        body = _main(client, url)
        assert 'lang="nl"' not in body and "Inhoud" not in body.split("<h1", 1)[0], url


def test_practice_titles_in_explanations_are_marked_and_escaped():
    reason = Reason("practice_evidence", {"practice": "Afval <b>scheiden</b> in Berkane"})
    with translation.override("en"):
        english = explain.sentence_html(reason)
        plain = explain.sentence(reason)
    assert english == (
        'known from the practice “<span lang="nl">Afval &lt;b&gt;scheiden&lt;/b&gt; in '
        "Berkane</span>”, which matches your question"
    )
    assert "Afval <b>scheiden</b> in Berkane" in plain  # the API and CLI keep plain text
    with translation.override("nl"):
        dutch = explain.sentence_html(reason)
    assert "lang=" not in dutch and "Afval &lt;b&gt;scheiden&lt;/b&gt;" in dutch
    # Other reasons are only escaped.
    named = Reason("named", {"name": "<Dalian>"})
    with translation.override("en"):
        assert explain.sentence_html(named) == "you name &lt;Dalian&gt; in your question"


def test_the_suggestions_list_shows_the_marked_explanation():
    reason = Reason("practice_evidence", {"practice": "Grensoverschrijdend werken"})
    with translation.override("en"):
        suggestion = services.Suggestion(
            key="municipality:GM0153",
            type="municipality",
            name="Enschede",
            score=1.0,
            explanation=[explain.sentence(reason)],
            explanation_html=[explain.sentence_html(reason)],
        )
        html = render_to_string("matching/_suggestions.html", {"suggestions": [suggestion]})
    assert '<li>known from the practice “<span lang="nl">Grensoverschrijdend werken</span>”' in html


@pytest.mark.parametrize("name", ["partnerships:landscape", "partnerships:balances"])
def test_landscape_and_balances_carry_the_note_in_english_only(client, name):
    url = reverse(name)
    assert _main(_english(client), url).count(NOTE) == 1
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    assert NOTE not in _main(client, url)


def test_network_balance_carries_the_note_in_english(client):
    network = NetworkFactory()  # a network of its own: no demo memberships in it
    url = reverse("partnerships:network-balance", args=[network.slug])
    assert _main(_english(client), url).count(NOTE) == 1
