"""*Vergelijkbare praktijken* on a practice page (knowledge/similar.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kennisschakel.knowledge.models import Practice
from kennisschakel.knowledge.search import practice_search
from kennisschakel.knowledge.similar import key_words, similar_practices

pytestmark = pytest.mark.django_db


def _practice(title_start: str) -> Practice:
    return Practice.objects.get(title__startswith=title_start)


def test_similar_practices_share_the_subject_and_never_include_the_practice_itself():
    relay = _practice("Eigen estafette langs Bredase")
    similar = similar_practices(relay)
    titles = [item.practice.title for item in similar]
    assert 1 <= len(similar) <= 5
    assert relay.title not in titles
    # The two other practices about the anti-poverty relay come first.
    assert set(titles[:2]) == {
        "Marge in beeld 2: Bredase organisaties bundelen zich in één netwerk tegen armoede",
        "Stedenestafette: 23 gemeenten geven elkaar het stokje door tegen armoede",
    }


def test_reasons_are_words_the_similar_practice_contains_as_written():
    one_desk = _practice("Integraal loket voor inwoners")
    similar = similar_practices(one_desk)
    assert similar[0].practice.title.startswith("Eén loket voor werk")
    for item in similar:
        assert 2 <= len(item.shared_words) <= 4  # one shared word is a coincidence
        other = item.practice
        text = " ".join([other.title, other.summary, " ".join(other.tags), other.body_text])
        for word in item.shared_words:
            assert word in text  # in the form that practice writes it, not a stem


def test_key_words_leave_out_stop_words_and_everyday_words():
    relay = _practice("Eigen estafette langs Bredase")
    practice_search.search("")  # open the index
    words = [k.word for k in key_words(relay, practice_search._index)]
    assert "armoedebestrijding" in words
    for generic in ("de", "en", "jaar", "gemeenten", "gemeente", "geven", "staan"):
        assert generic not in words


def test_a_practice_page_shows_similar_practices_with_reasons(client):
    relay = _practice("Eigen estafette langs Bredase")
    response = client.get(relay.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Vergelijkbare praktijken" in html
    assert "Stedenestafette: 23 gemeenten" in html
    assert "Ook over:" in html


def test_similar_practices_cost_two_queries_however_many_are_shown():
    relay = _practice("Eigen estafette langs Bredase")
    similar_practices(relay)  # opens the saved index once
    counts = []
    for practice, limit in ((relay, 1), (relay, 5), (_practice("Integraal loket"), 5)):
        with CaptureQueriesContext(connection) as queries:
            found = similar_practices(practice, limit=limit)
        assert len(found) <= limit
        counts.append(len(queries))
    # The change counter, then every similar practice in one query.
    assert counts == [2, 2, 2]


def test_the_saved_index_is_opened_not_rebuilt_per_request(client):
    relay = _practice("Eigen estafette langs Bredase")
    client.get(relay.get_absolute_url())
    generation = practice_search.generation
    client.get(_practice("Integraal loket voor inwoners").get_absolute_url())
    assert practice_search.generation == generation is not None


def test_a_practice_sharing_one_word_is_not_similar(monkeypatch):
    """With two shared words required, the list shrinks to practices sharing two."""
    from kennisschakel.knowledge import similar as module

    relay = _practice("Marge in beeld 2")
    every = similar_practices(relay, limit=5)
    monkeypatch.setattr(module, "MIN_SHARED_WORDS", 1)
    monkeypatch.setattr(module, "MIN_SHARE_OF_BEST_SCORE", 0.0)
    loose = similar_practices(relay, limit=5)
    assert all(len(item.shared_words) >= 2 for item in every)
    assert any(len(item.shared_words) == 1 for item in loose)  # such results exist
    assert not {item.practice.pk for item in loose if len(item.shared_words) == 1} & {
        item.practice.pk for item in every
    }
