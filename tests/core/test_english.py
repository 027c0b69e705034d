"""English mode (issue 13, finding 8): reference labels in English, Dutch content marked.

With the interface in English, motives, categories and statuses show their English
labels; text that municipalities wrote stays Dutch, carries ``lang="nl"`` and one note per
page says so. In Dutch mode nothing of this shows: the page itself is ``lang="nl"``.
"""

import enum
import importlib
import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.db import models
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.html import escape

from kennisschakel.knowledge.models import Practice
from kennisschakel.matching.models import Question
from kennisschakel.partnerships import loaders as partnership_loaders
from kennisschakel.partnerships.models import Motive, Partnership
from kennisschakel.register.models import Municipality
from tests.knowledge.factories import PracticeFactory
from tests.partnerships.factories import ExchangeActivityFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

NOTE = "Content written by municipalities is shown in Dutch"
LANG_NL = 'lang="nl"'


def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _get(client, url, data=None) -> str:
    response = client.get(url, data)
    assert response.status_code == 200, url
    return response.content.decode()


def _main(body: str) -> str:
    """The page's <main>: the language switch in the header is lang="nl" on purpose."""
    return re.search(r"<main.*?</main>", body, re.S).group(0)


def _partnership_with_motives():
    return PartnershipFactory(motives=["solidariteit"])


# --- reference labels ---------------------------------------------------------------------


def test_motives_have_english_labels_from_our_data_file():
    data = yaml.safe_load(partnership_loaders.DATA_FILE.read_text(encoding="utf-8"))
    slugs = {motive["slug"] for motive in data["motives"]}
    labels_en = partnership_loaders.motive_labels_en()
    assert slugs and slugs == set(labels_en), "every sourced motive has our English label"
    for motive in Motive.objects.all():
        assert motive.label_en == labels_en[motive.slug]
        assert motive.source.startswith("004"), "the Dutch label keeps its citation"
        assert motive.label_en != motive.label_nl or motive.slug == "anders"


def test_partnership_page_shows_motives_in_the_interface_language(client):
    partnership = _partnership_with_motives()
    solidarity = Motive.objects.get(slug="solidariteit")
    dutch = _get(client, partnership.get_absolute_url())
    assert escape(solidarity.label_nl) in dutch and escape(solidarity.label_en) not in dutch
    english = _get(_english(client), partnership.get_absolute_url())
    assert escape(solidarity.label_en) in english and escape(solidarity.label_nl) not in english


def test_statuses_and_categories_show_in_the_interface_language(client):
    partnership = PartnershipFactory(status=Partnership.Status.ACTIVE)
    practice = PracticeFactory(maturity="geevalueerd", domains=["jeugd"])
    dutch_partnership = _get(client, partnership.get_absolute_url())
    dutch_practice = _get(client, practice.get_absolute_url())
    assert "<dd>actief</dd>" in dutch_partnership
    assert "<dd>geëvalueerd</dd>" in dutch_practice
    _english(client)
    assert "<dd>active</dd>" in _get(client, partnership.get_absolute_url())
    english_practice = _get(client, practice.get_absolute_url())
    assert "<dd>evaluated</dd>" in english_practice
    domain = practice.domains.first()
    assert f'<span class="tag">{escape(domain.name_en)}</span>' in english_practice


# Labels that are the same word in both languages (or a name).
SAME_IN_BOTH = {
    "open", "direct", "multi-actor", "multi-level", "facilitator", "Euregio", "peer review"
}  # fmt: skip
REFERENCE_APPS = ["knowledge", "partnerships", "matching", "monitor", "register"]


def _choice_classes():
    for app in REFERENCE_APPS:
        module = importlib.import_module(f"kennisschakel.{app}.models")
        for value in vars(module).values():
            candidates = [value]
            if isinstance(value, type) and issubclass(value, models.Model):
                candidates = [v for v in vars(value).values() if isinstance(v, type)]
            for candidate in candidates:
                if isinstance(candidate, enum.EnumMeta) and issubclass(
                    candidate, models.TextChoices
                ):
                    yield candidate


def test_every_status_and_category_choice_is_translatable_and_translated():
    classes = set(_choice_classes())
    names = {cls.__qualname__ for cls in classes}
    # The ones the issue names, so the walk above cannot silently find nothing.
    assert {"Partnership.Status", "Question.Status", "Introduction.Status", "Wave.Status"} <= names
    assert {"TransferCategory", "Maturity", "ExchangeForm", "Partnership.NetworkModel"} <= names
    untranslated = []
    for cls in classes:
        for member in cls:
            label = member.label
            assert isinstance(label, Promise), f"{cls.__qualname__}.{member.name}: gettext_lazy"
            with translation.override("en"):
                english = str(label)
            with translation.override("nl"):
                dutch = str(label)
            if english == dutch and english not in SAME_IN_BOTH:
                untranslated.append(f"{cls.__qualname__}.{member.name}: {english}")
    assert not untranslated


# --- Dutch content marked ---------------------------------------------------------------


def test_practice_page_marks_dutch_content_and_says_so_once_in_english(client):
    practice = PracticeFactory(summary_en="", body="Uitleg van de aanpak, in het Nederlands.")
    body = _main(_get(_english(client), practice.get_absolute_url()))
    assert body.count(NOTE) == 1
    assert f"<span {LANG_NL}>{escape(practice.title)}</span>" in body
    assert f'<p class="lead" {LANG_NL}>{escape(practice.summary)}</p>' in body
    assert f'<div class="prose" {LANG_NL}>' in body
    # The interface around the content stays English (no lang on the labels).
    assert "<dt>Maturity</dt>" in body


def test_practice_page_in_dutch_has_no_note_and_no_marks(client):
    practice = PracticeFactory()
    body = _main(_get(client, practice.get_absolute_url()))
    assert NOTE not in body and "Inhoud die gemeenten schrijven" not in body
    assert LANG_NL not in body.replace('<button type="submit" name="language"', "")


def test_english_summary_is_shown_first_where_present(client):
    practice = PracticeFactory()
    Practice.objects.filter(pk=practice.pk).update(summary_en="An English summary of it.")
    body = _main(_get(_english(client), practice.get_absolute_url()))
    assert body.index("An English summary of it.") < body.index(escape(practice.summary))
    assert body.count(NOTE) == 1
    assert "Where an English summary exists, it is shown first." in body


@pytest.mark.parametrize(
    "url_name, data",
    [
        ("knowledge:practice-list", None),
        ("knowledge:practice-list", {"q": "armoede"}),
        ("partnerships:partnership-list", None),
        ("matching:ask", {"text": "poverty reduction with civil society organisations"}),
    ],
)
def test_list_pages_mark_dutch_content_in_english_only(client, url_name, data):
    url = reverse(url_name)
    dutch = _main(_get(client, url, data))
    assert NOTE not in dutch and LANG_NL not in dutch
    english = _main(_get(_english(client), url, data))
    assert english.count(NOTE) == 1
    assert english.count(LANG_NL) >= 1


def test_question_pages_mark_dutch_text(client):
    organisation = Municipality.objects.get(cbs_code="GM0153").organisation
    question = Question.objects.create(
        organisation=organisation,
        title="Wie heeft ervaring met schuldhulp via de bibliotheek?",
        text="Wij willen schuldhulp laagdrempelig maken.",
    )
    listing = _main(_get(client, reverse("matching:question-list")))
    assert NOTE not in listing and LANG_NL not in listing
    _english(client)
    listing = _main(_get(client, reverse("matching:question-list")))
    assert listing.count(NOTE) == 1
    assert f'href="{question.get_absolute_url()}" {LANG_NL}>' in listing
    detail = _main(_get(client, question.get_absolute_url()))
    assert f"<h1 {LANG_NL}>{escape(question.title)}</h1>" in detail
    assert f"<p {LANG_NL}>{escape(question.text)}</p>" in detail
    assert detail.count(NOTE) == 1


def test_partnership_and_exchange_pages_mark_dutch_text(client):
    partnership = _partnership_with_motives()
    activity = ExchangeActivityFactory(
        partnership=partnership,
        title="Werkbezoek aan Münster",
        sides=[("GM0153", "gave"), ("place: Münster, DE", "received")],
    )
    body = _main(_get(_english(client), partnership.get_absolute_url()))
    assert f"<h1 {LANG_NL}>{escape(partnership.name)}</h1>" in body
    assert body.count(NOTE) == 1
    assert "English summary" not in body, "partnerships have no English summaries"
    exchange = _main(_get(client, activity.get_absolute_url()))
    assert f"<h1 {LANG_NL}>{escape(activity.title)}</h1>" in exchange
    assert exchange.count(NOTE) == 1


def test_municipality_page_says_once_that_its_content_is_dutch(client):
    municipality = Municipality.objects.get(cbs_code="GM0153")
    organisation = municipality.organisation
    organisation.description_nl, organisation.description_en = "Wij delen graag kennis.", ""
    organisation.save(update_fields=["description_nl", "description_en"])
    url = reverse("register:municipality-detail", args=[municipality.cbs_code])
    assert NOTE not in _main(_get(client, url))
    body = _main(_get(_english(client), url))
    assert body.count(NOTE) == 1
    assert f"<p {LANG_NL}>Wij delen graag kennis.</p>" in body
    organisation.description_en = "We like to share knowledge."
    organisation.save(update_fields=["description_en"])
    assert "<p>We like to share knowledge.</p>" in _main(_get(client, url))


def test_mine_marks_our_practice_titles_in_english(client, enschede_contributor):
    client.force_login(enschede_contributor)
    practice = PracticeFactory(owner=enschede_contributor.organisation)
    dutch = _main(_get(client, reverse("core:mine")))
    assert NOTE not in dutch
    english = _main(_get(_english(client), reverse("core:mine")))
    assert english.count(NOTE) == 1
    assert f'href="{practice.get_absolute_url()}" {LANG_NL}>{escape(practice.title)}</a>' in (
        english
    )


def test_every_lang_attribute_is_a_valid_language(client):
    """axe checks lang values; here without a browser: only nl and en, never empty."""
    _english(client)
    practice = PracticeFactory()
    for url in [practice.get_absolute_url(), _partnership_with_motives().get_absolute_url()]:
        values = set(re.findall(r'\slang="([^"]*)"', _get(client, url)))
        assert values <= {"nl", "en"} and "nl" in values


# --- the API -----------------------------------------------------------------------------


def test_api_keeps_its_fields_and_adds_motive_labels(client):
    partnership = _partnership_with_motives()
    data = client.get(f"/api/v1/partnerships/{partnership.slug}").json()
    for field in ["slug", "name", "kind", "status", "motives", "domains", "source", "version"]:
        assert field in data
    assert "solidariteit" in data["motives"], "motives stay a list of slugs"
    labels = {row["slug"]: row for row in data["motive_labels"]}
    solidarity = Motive.objects.get(slug="solidariteit")
    assert labels["solidariteit"] == {
        "slug": "solidariteit",
        "label_nl": solidarity.label_nl,
        "label_en": solidarity.label_en,
    }
    assert [row["slug"] for row in data["motive_labels"]] == data["motives"]


# --- the template tags themselves ---------------------------------------------------------


def _render(source: str, language: str, **context) -> str:
    with translation.override(language):
        return Template("{% load dutch_content %}" + source).render(Context(context))


def test_dutch_filter_escapes_and_marks_only_in_english():
    assert _render("{{ t|dutch }}", "en", t="<b>Wmo</b>") == (
        '<span lang="nl">&lt;b&gt;Wmo&lt;/b&gt;</span>'
    )
    assert _render("{{ t|dutch }}", "nl", t="<b>Wmo</b>") == "&lt;b&gt;Wmo&lt;/b&gt;"
    assert _render("<p{% lang_nl %}>x</p>", "en") == '<p lang="nl">x</p>'
    assert _render("<p{% lang_nl %}>x</p>", "nl") == "<p>x</p>"
    assert _render("{% dutch %}<p>x</p>{% enddutch %}", "en") == '<div lang="nl"><p>x</p></div>'
    assert _render("{% dutch %}<p>x</p>{% enddutch %}", "nl") == "<p>x</p>"


def test_note_appears_once_per_request():
    request = RequestFactory().get("/")
    twice = "{% dutch_note %}{% dutch_note %}"
    assert _render(twice, "en", request=request).count(NOTE) == 1
    assert _render(twice, "en", request=RequestFactory().get("/")).count(NOTE) == 1
    assert _render(twice, "nl", request=RequestFactory().get("/")).strip() == ""


def test_language_codes_show_as_names():
    assert _render("{{ c|language_name }}", "en", c="nl") == "Dutch"
    assert _render("{{ c|language_name }}", "nl", c="en") == "Engels"
    assert _render("{{ c|language_name }}", "en", c="xx-nonsense") == "xx-nonsense"


def test_localized_falls_back_to_dutch():
    motive = Motive(slug="x", label_nl="Anders", label_en="")
    assert _render('{{ m|localized:"label" }}', "en", m=motive) == "Anders"
    motive.label_en = "Other"
    assert _render('{{ m|localized:"label" }}', "en", m=motive) == "Other"
    assert _render('{{ m|localized:"label" }}', "nl", m=motive) == "Anders"


def test_motive_labels_file_marks_the_translation_as_ours():
    text = Path(partnership_loaders.MOTIVE_LABELS_EN_FILE).read_text(encoding="utf-8")
    assert "own translation" in text and "not a source text" in text
