"""The home page: one box "Wat wilt u weten?" that searches practices or goes on to
"Hulp zoeken" with the text; recent practices and lessons (what did not work too); figures
about knowledge that match the database, in a bounded number of queries; who it is for and
why to log in; Dutch by default, English on request."""

import ast
import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kennisschakel.core import home as home_registry
from kennisschakel.knowledge.models import Adoption, Practice
from kennisschakel.knowledge.services import record_adoption, save_practice
from kennisschakel.partnerships.models import ExchangeActivity
from kennisschakel.register.models import ForeignPlace, Municipality, Organisation

pytestmark = pytest.mark.django_db
HOME = reverse("core:home")
SRC = Path(__file__).resolve().parents[2] / "src" / "kennisschakel"


def _page(client) -> str:
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def _english(client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _section(body: str, key: str) -> str:
    match = re.search(rf'<section aria-labelledby="home-{key}-heading".*?</section>', body, re.S)
    assert match, key
    return match.group(0)


def _items(section: str) -> list[str]:
    return re.findall(r"<li>.*?</li>", section, re.S)


def _practice(title, cbs_code="GM0153", kind=Practice.Kind.PRACTICE, status="published", **extra):
    practice = Practice(
        title=title,
        kind=kind,
        summary="Een korte samenvatting van wat er gebeurde.",
        owner=Organisation.objects.get(slug=cbs_code.lower()),
        status=status,
        **extra,
    )
    return save_practice(practice, None)


# --------------------------------------------------------------------------- the box


def test_the_box_searches_practices_and_can_go_on_to_find_help(client):
    body = _page(client)
    form = re.search(r'<form class="home-ask".*?</form>', body, re.S).group(0)
    assert f'action="{reverse("knowledge:practice-list")}"' in form
    assert 'method="get"' in form
    assert '<label id="home-q-label" for="home-q">Wat wilt u weten?</label>' in form
    assert re.search(r'<input id="home-q" type="search" name="q"', form)
    # Enter (the first button) searches; the second button sends the same box elsewhere.
    buttons = re.findall(r"<button[^>]*>[^<]*</button>", form)
    assert "Praktijken zoeken" in buttons[0] and "formaction" not in buttons[0]
    assert f'formaction="{reverse("matching:ask")}"' in buttons[1]
    assert "Hulp zoeken" in buttons[1]

    # What the box sends, the search answers (a practice of this test's own).
    practice = _practice(
        "Afvalinzameling met ondergrondse containers",
        body="Wij zamelen afval in met ondergrondse containers.",
    )
    results = client.get(reverse("knowledge:practice-list"), {"q": "afvalinzameling"})
    assert results.status_code == 200
    assert practice.get_absolute_url() in results.content.decode()


@pytest.fixture
def asked(monkeypatch):
    """The texts the ask page hands to the matcher (which has tests of its own); it
    answers with no suggestions, so these tests are about carrying the text only."""
    from kennisschakel.matching import services

    texts = []

    def find_matches(text, municipality, **options):
        texts.append(text)
        return []

    monkeypatch.setattr(services, "find_matches", find_matches)
    return texts


def test_find_help_receives_the_typed_text(client, asked):
    text = "Hoe organiseren andere gemeenten schuldhulp aan de keukentafel?"
    response = client.get(reverse("matching:ask"), {"q": text})
    assert response.status_code == 200
    body = response.content.decode()
    textarea = re.search(r'<textarea name="text"[^>]*>(.*?)</textarea>', body, re.S).group(1)
    assert textarea.strip() == text
    assert asked == [text]  # matched at once, as if typed there
    assert 'id="suggestions-heading"' in body


def test_find_help_with_an_empty_box_just_opens_the_form(client, asked):
    response = client.get(reverse("matching:ask"), {"q": "  "})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="suggestions-heading"' not in body
    assert "errorlist" not in body
    assert asked == []


def test_find_help_with_too_short_a_text_says_so_in_dutch_and_keeps_it(client, asked):
    response = client.get(reverse("matching:ask"), {"q": "wmo"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "minstens 10 tekens" in body
    assert re.search(r'<textarea name="text"[^>]*>\s*wmo</textarea>', body)
    assert asked == []


def test_text_takes_precedence_over_q_on_the_ask_page(client, asked):
    text = "Wij zoeken een partnerstad in China voor onderwijs."
    response = client.get(reverse("matching:ask"), {"text": text, "q": "iets anders"})
    assert text in response.content.decode()
    assert "iets anders" not in response.content.decode()
    assert asked == [text]


# --------------------------------------------------------------------------- recent items


def test_recent_items_include_the_newest_lesson_about_what_did_not_work(client):
    lesson = _practice(
        "Buurtbudgetten: het geld bleef liggen",
        cbs_code="GM0988",
        kind=Practice.Kind.LESSON,
        negative_lessons="Zonder ondersteuning in de wijk vroeg niemand het budget aan.",
        period_start=2019,
        period_end=2021,
    )
    # Five practices published after it do not push the lesson off the page.
    for number in range(5):
        _practice(f"Nieuwe aanpak nummer {number}")
    body = _page(client)

    lessons = _section(body, "lessons")
    assert "Lessen, ook over wat niet werkte" in lessons
    first = _items(lessons)[0]
    assert f'href="{lesson.get_absolute_url()}"' in first
    assert '<span class="tag tag-lesson">Les</span>' in first  # the kind, plainly
    assert '<span class="tag tag-negative">wat niet werkte</span>' in first
    assert "Weert · 2019–2021" in first  # municipality and years

    practices = _section(body, "practices")
    shown = _items(practices)
    assert len(shown) == 4
    assert "Nieuwe aanpak nummer 4" in shown[0]  # newest first
    assert lesson.title not in practices
    assert "Praktijk" in shown[0] and "tag-lesson" not in shown[0]


def test_recent_items_are_published_only_and_carry_a_year(client):
    _practice("Een concept dat niemand mag zien", status="draft")
    newest = _practice("Wijkteams met één plan per gezin")
    body = _page(client)
    assert "Een concept dat niemand mag zien" not in body
    first = _items(_section(body, "practices"))[0]
    assert newest.title in first
    # No period known: the year it was shared here.
    assert f"Enschede · gedeeld in {newest.published_at.year}" in first


def test_no_lessons_yet_says_so(client):
    Practice.objects.filter(kind=Practice.Kind.LESSON).update(status="draft")
    lessons = _section(_page(client), "lessons")
    assert "Hier is nog niets gedeeld." in lessons
    assert _items(lessons) == []


# --------------------------------------------------------------------------- figures


def _expected_figures() -> dict[str, int]:
    """Counted in Python from plain rows: a second way to the same numbers."""
    published = list(
        Practice.objects.filter(status="published").values("pk", "kind", "negative_lessons")
    )
    published_ids = {p["pk"] for p in published}
    municipal = set(
        Organisation.objects.filter(type=Organisation.Type.MUNICIPALITY).values_list(
            "pk", flat=True
        )
    )
    sharers = set(Practice.objects.filter(status="published").values_list("owner_id", flat=True))
    for practice in Practice.objects.filter(status="published").prefetch_related("co_owners"):
        sharers |= {organisation.pk for organisation in practice.co_owners.all()}
    adoptions = [a for a in Adoption.objects.all() if a.practice_id in published_ids]
    return {
        "practices": sum(p["kind"] == "praktijk" for p in published),
        "lessons": sum(p["kind"] == "les" for p in published),
        "negative": sum(bool(p["negative_lessons"].strip()) for p in published),
        "adoptions": len(adoptions),
        "took_over": sum(a.took_over for a in adoptions),
        "exchanges": ExchangeActivity.objects.count(),
        "confirmed": ExchangeActivity.objects.filter(confirmation="confirmed").count(),
        "municipalities": len(sharers & municipal),
    }


def _figures() -> dict[str, home_registry.Figure]:
    return {figure.key: figure for figure in home_registry.figures()}


def test_figures_match_the_database(client, weert_contributor, enschede_contributor):
    # Make every figure move: a draft (not counted), a co-owned lesson, adoptions both ways.
    _practice("Nog een concept", status="draft")
    lesson = _practice(
        "Samen inkopen lukte niet", kind=Practice.Kind.LESSON, negative_lessons="Te weinig tijd."
    )
    lesson.co_owners.add(Organisation.objects.get(slug="gm0363"))  # Amsterdam
    record_adoption(lesson, weert_contributor.organisation, weert_contributor, "overgenomen")
    other = _practice("Een andere gepubliceerde praktijk", cbs_code="GM0988")
    record_adoption(other, enschede_contributor.organisation, enschede_contributor, "afgezien")

    expected = _expected_figures()
    figures = _figures()
    for key in ("practices", "lessons", "negative", "adoptions", "exchanges", "municipalities"):
        assert figures[key].value == expected[key], key
    assert expected["adoptions"] >= 2 and expected["lessons"] >= 1
    assert figures["adoptions"].note == (
        f"{expected['took_over']} overgenomen of aangepast, "
        f"{expected['adoptions'] - expected['took_over']} afgezien"
    )
    assert figures["exchanges"].note == f"{expected['confirmed']} bevestigd door de andere kant"

    block = _section(_page(client), "figures")
    assert f"<strong>{expected['practices']}</strong> praktijken gedeeld" in block
    assert f"<strong>{expected['lessons']}</strong> lessen geleerd" in block
    assert f"<strong>{expected['negative']}</strong> vertellen wat niet werkte" in block
    assert f"<strong>{expected['adoptions']}</strong> overnames gemeld" in block
    assert f"<strong>{expected['exchanges']}</strong> uitwisselingen vastgelegd" in block
    assert f"<strong>{expected['municipalities']}</strong> gemeenten deelden" in block
    assert '?kind=les"' in block and '?negative=yes"' in block  # each leads to its list
    # Knowledge, not the register: the register's counts are not among the figures.
    assert "plaatsen in het buitenland" not in block


def test_a_new_practice_and_a_co_owning_municipality_move_the_figures():
    before = _figures()
    practice = _practice("Gedeeld door een gemeente die nog niets deelde", cbs_code="GM0988")
    practice.co_owners.add(Organisation.objects.get(slug="gm0363"))
    after = _figures()
    assert after["practices"].value == before["practices"].value + 1
    sharers_before = before["municipalities"].value
    assert sharers_before <= after["municipalities"].value <= sharers_before + 2
    assert after["municipalities"].value == _expected_figures()["municipalities"]


def test_empty_bank_counts_zero_without_notes():
    Practice.objects.update(status="draft")
    figures = _figures()
    assert figures["practices"].value == figures["lessons"].value == 0
    assert figures["adoptions"].value == 0 and figures["adoptions"].note == ""
    assert figures["municipalities"].value == 0


def test_register_counts_are_a_small_line(client):
    body = _page(client)
    line = re.search(r'<p class="home-register muted">.*?</p>', body, re.S).group(0)
    municipalities = Municipality.objects.count()
    places = f"{ForeignPlace.objects.count():,}".replace(",", ".")
    assert f"{municipalities} gemeenten</a>" in line
    assert f"{places} plaatsen in het buitenland</a>" in line
    assert "<h2" not in line


# --------------------------------------------------------------------------- queries


def test_query_count_is_bounded_and_does_not_grow_with_the_bank(client, weert_contributor):
    with CaptureQueriesContext(connection) as first:
        _page(client)
    for number in range(6):
        lesson = _practice(f"Les nummer {number}", kind=Practice.Kind.LESSON)
        record_adoption(lesson, weert_contributor.organisation, weert_contributor, "aangepast")
    with CaptureQueriesContext(connection) as second:
        _page(client)
    # knowledge figures 3, exchanges 1, recent practices 1, lessons 1, register 2
    assert len(first) <= 8, [q["sql"] for q in first.captured_queries]
    assert len(second) == len(first)


def test_query_count_for_a_logged_in_user_is_bounded(client, enschede_contributor):
    client.force_login(enschede_contributor)
    with CaptureQueriesContext(connection) as queries:
        _page(client)
    # + session and user, and the menu's count of what waits (one per section: 7 since
    # the questions with new suggestions)
    assert len(queries) <= 17, [q["sql"] for q in queries.captured_queries]


# --------------------------------------------------------------------------- who and why


def test_anonymous_visitors_read_who_it_is_for_and_why_to_log_in(client):
    about = _section(_page(client), "about")
    assert "Voor wie het is en hoe het werkt" in about
    assert "Kennisschakel is er voor iedereen die in een Nederlandse gemeente" in about
    assert "Waarom inloggen?" in about
    for reason in ("Mijn Kennisschakel", "introductie vragen", "uitwisselingen", "monitor"):
        assert reason in about, reason
    assert f'href="{reverse("accounts:login")}"' in about
    assert "Wat u kunt doen" not in about


def test_logged_in_users_see_what_they_can_do(client, enschede_contributor):
    client.force_login(enschede_contributor)
    about = _section(_page(client), "about")
    assert "Wat u kunt doen" in about
    assert "Waarom inloggen?" not in about
    for name in ("core:mine", "matching:ask", "partnerships:activity-create"):
        assert f'href="{reverse(name)}"' in about, name
    assert "uitnodigingen voor de monitor" in about
    assert f'href="{reverse("accounts:login")}"' not in about


# --------------------------------------------------------------------------- languages


def test_dutch_by_default(client):
    body = _page(client)
    assert '<html lang="nl">' in body
    assert "Wat wilt u weten?" in body and "Tot nu toe gedeelde kennis" in body
    assert "What do you want to know?" not in body
    # Dutch content on a Dutch page needs no language mark.
    assert 'lang="nl"' not in _section(body, "practices")


def test_english_on_request_with_dutch_content_marked(client):
    _english(client)
    _practice("Sport in de wijk", summary_en="Sport in the neighbourhood, with the clubs.")
    body = _page(client)
    assert '<html lang="en">' in body
    assert "What do you want to know?" in body and "Knowledge shared so far" in body
    assert "practices shared" in body and "Who it is for and how it works" in body
    assert "Why log in?" in body
    assert "Wat wilt u weten?" not in body
    first = _items(_section(body, "practices"))[0]
    assert '<a href="/praktijken/' in first and 'lang="nl">Sport in de wijk</a>' in first
    # The English summary is shown as English; a Dutch-only one is marked Dutch.
    assert "<p>Sport in the neighbourhood, with the clubs.</p>" in first
    assert re.search(r'<p lang="nl">', _section(body, "lessons"))


# --------------------------------------------------------------------------- design


def test_core_imports_no_other_app():
    """Figures and recent items come through core/home.py's registry, not imports."""
    apps = ("knowledge", "partnerships", "matching", "monitor", "accounts", "files")
    for module in ("core/home.py", "core/views.py"):
        tree = ast.parse((SRC / module).read_text(encoding="utf-8"))
        imported = [
            node.module
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module
        ] + [
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        ]
        for name in imported:
            assert not any(name.startswith(f"kennisschakel.{app}") for app in apps), name
    contributions = {c.key for c in home_registry.contributions()}
    assert {"knowledge", "partnerships"} <= contributions


def test_figures_keep_their_order():
    keys = [figure.key for figure in home_registry.figures()]
    assert keys == ["practices", "lessons", "negative", "adoptions", "exchanges", "municipalities"]


def test_a_start_year_alone_reads_since(client):
    practice = _practice("Oud en nog steeds nuttig", period_start=1999)
    Practice.objects.filter(pk=practice.pk).update(
        published_at=timezone.now() + datetime.timedelta(days=1)
    )
    first = _items(_section(_page(client), "practices"))[0]
    assert "Enschede · sinds 1999" in first
