"""From a suggestion on /hulp-zoeken/ straight to the introduction form (issue 13's Weert
detour): one POST saves the typed question as the organisation's and opens the form; an
error brings the ask page back with what was typed and nothing saved. And short headings:
a question without a title never shows its whole text as a heading."""

import re

import pytest
from django.urls import reverse

from kennisschakel.matching import match_index, services
from kennisschakel.matching.models import Introduction, Question, title_from_text

pytestmark = pytest.mark.django_db
TEXT = "grensoverschrijdende samenwerking met een Duitse stad voor economie en onderwijs"
ASK = reverse("matching:ask")
INTRODUCE = reverse("matching:ask-introduce")


@pytest.fixture(autouse=True)
def fresh_matcher():
    match_index.forget()
    yield
    match_index.forget()


def test_suggestions_offer_an_introduction_button_that_posts_the_typed_question(
    client, weert_contributor
):
    client.force_login(weert_contributor)
    page = client.get(ASK, {"text": TEXT, "international": "on"}).content.decode()
    form = re.search(
        r'<form id="introduce-form" method="post" action="([^"]+)">(.*?)</form>', page, re.S
    )
    assert form and form.group(1) == INTRODUCE
    assert f'name="text" value="{TEXT}"' in form.group(2)
    assert 'name="international" value="on"' in form.group(2)
    assert 'name="outside_circle"' not in form.group(2)
    # A real button (no JavaScript), tied to that form, per introducible suggestion.
    assert re.search(
        r'<button type="submit" form="introduce-form" name="key" value="municipality:GM0153"',
        page,
    )


def test_no_button_for_visitors_or_people_without_an_organisation(client, make_user):
    page = client.get(ASK, {"text": TEXT}).content.decode()
    assert "introduce-form" not in page
    assert client.post(INTRODUCE, {"text": TEXT, "key": "municipality:GM0153"}).status_code == 302
    assert not Question.objects.exists()


def test_one_post_saves_the_question_and_opens_the_introduction_form(client, weert_contributor):
    client.force_login(weert_contributor)
    response = client.post(
        INTRODUCE, {"text": TEXT, "international": "on", "key": "municipality:GM0153"}
    )
    question = Question.objects.get()
    assert question.organisation_id == weert_contributor.organisation_id
    assert question.created_by == weert_contributor
    assert question.text == TEXT and question.international and not question.outside_circle
    assert question.title == title_from_text(TEXT) and len(question.title) <= 80
    assert response.status_code == 302
    assert response["Location"] == (
        f"{reverse('matching:introduction-create')}?key=municipality%3AGM0153"
        f"&question={question.pk}"
    )
    form = client.get(response["Location"])
    assert form.status_code == 200 and question.heading in form.content.decode()
    # A second suggestion (or pressing twice) reuses the same question.
    client.post(INTRODUCE, {"text": TEXT, "international": "on", "key": "practice:nope"})
    client.post(INTRODUCE, {"text": TEXT, "international": "on", "key": "municipality:GM0153"})
    assert Question.objects.count() == 1
    sent = client.post(
        response["Location"],
        {"key": "municipality:GM0153", "question": question.pk, "message": "Wij willen leren."},
    )
    introduction = Introduction.objects.get()
    assert sent.status_code == 302 and introduction.question == question
    assert introduction.subject == question.heading
    # Asked once: the ask page shows that instead of a second button.
    page = client.get(ASK, {"text": TEXT, "international": "on"}).content.decode()
    assert 'value="municipality:GM0153"' not in page


@pytest.mark.parametrize(
    "data, message",
    [
        ({"text": "Dalian", "key": "municipality:GM0153"}, "minstens 10 tekens"),
        ({"text": TEXT, "key": "municipality:GM9999"}, "geen CBS-code"),
        ({"text": TEXT, "key": "municipality:GM0988"}, "uw eigen organisatie"),
        ({"text": "  ", "key": "municipality:GM0153"}, ""),
    ],
)
def test_an_error_keeps_what_was_typed_and_saves_nothing(client, weert_contributor, data, message):
    client.force_login(weert_contributor)
    response = client.post(INTRODUCE, {**data, "outside_circle": "on"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'role="alert"' in page and message in page
    # The typed text is still in the field.
    assert re.search(r">\s*" + re.escape(data["text"]) + "</textarea>", page)
    assert re.search(r'name="outside_circle"[^>]*checked', page)
    assert not Question.objects.exists() and not Introduction.objects.exists()


def test_get_is_not_allowed(client, weert_contributor):
    client.force_login(weert_contributor)
    assert client.get(INTRODUCE).status_code == 405


def test_headings_are_short_titles_never_the_whole_text(client, weert_contributor):
    long_text = (
        "Wij zoeken een gemeente die al jaren samenwerkt met een Duitse buurgemeente over "
        "economie, onderwijs en de arbeidsmarkt in de grensstreek en daar lessen uit trok"
    )
    # As the API or older data may leave it: the whole text as the title.
    question = Question.objects.create(
        organisation=weert_contributor.organisation, title=long_text, text=long_text
    )
    assert question.heading == title_from_text(long_text)
    assert question.heading.endswith("…") and len(question.heading) <= 80
    introduction = services.request_introduction(
        weert_contributor, "municipality:GM0153", "Wij willen graag van u leren.", question
    )
    assert introduction.subject == question.heading
    client.force_login(weert_contributor)
    for url in (reverse("matching:question-list"), introduction.get_absolute_url()):
        page = client.get(url).content.decode()
        assert question.heading in page and long_text not in page, url
    # Without a question, the message gives a short subject too.
    other = services.request_introduction(weert_contributor, "municipality:GM0014", long_text)
    assert other.subject == title_from_text(long_text)
