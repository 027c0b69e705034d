"""Forms people can fill in (issue 13, finding 4): the exchange prefilled from an accepted
introduction, checkbox groups and a country picker instead of Ctrl-click lists, a title
derived from the question, Cancel on every create/edit form, a default period for the
council note, date fields that show their value, and single checkboxes with the label
beside the box."""

import datetime
import html
import re
from pathlib import Path

import pytest
from django.urls import reverse

from kennisschakel.accounts.models import Role
from kennisschakel.matching.forms import QuestionForm, title_from_text
from kennisschakel.matching.models import Introduction, Question
from kennisschakel.partnerships.forms import CouncilNoteForm, default_note_period
from kennisschakel.partnerships.models import ExchangeActivity
from kennisschakel.register.models import Municipality, PolicyDomain
from tests.partnerships.factories import ExchangeActivityFactory, PartnershipFactory

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "kennisschakel"


def _organisation(cbs_code):
    return Municipality.objects.get(cbs_code=cbs_code).organisation


def _introduction(asker_user, recipient, status=Introduction.Status.ACCEPTED, **extra):
    return Introduction.objects.create(
        asker=asker_user.organisation,
        requested_by=asker_user,
        recipient=recipient,
        subject="Warmtenet in een oude wijk",
        message="Mogen wij eens langskomen?",
        status=status,
        **extra,
    )


def _field_value(body, name):
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', body)
    assert match, name
    value = re.search(r'value="([^"]*)"', match.group(0))
    return html.unescape(value.group(1)) if value else ""


def _selected(body, name):
    select = re.search(rf'<select name="{name}".*?</select>', body, re.S).group(0)
    return re.search(r'<option value="([^"]*)" selected>', select).group(1)


# -- 1. The exchange, prefilled from the introduction it is opened from ----------------


def test_exchange_form_knows_both_parties_topic_and_date_from_the_introduction(
    client, weert_contributor, make_user
):
    question = Question.objects.create(
        organisation=weert_contributor.organisation,
        title="Warmtenet",
        text="Hoe leggen wij een warmtenet aan in een wijk uit de jaren zestig?",
        forms=["werkbezoek"],
    )
    enschede = _organisation("GM0153")
    detail = make_user(Role.CONTRIBUTOR, "GM0153")
    introduction = _introduction(
        weert_contributor, enschede, question=question, responded_by=detail
    )
    client.force_login(detail)
    page = client.get(introduction.get_absolute_url()).content.decode()
    link = f"{reverse('partnerships:activity-create')}?introduction={introduction.pk}"
    assert f'href="{link}"' in page

    client.force_login(weert_contributor)
    response = client.get(link)
    body = response.content.decode()
    assert response.status_code == 200
    assert _field_value(body, "other_party") == "Enschede"  # by name, no CBS code
    assert _field_value(body, "title") == "Warmtenet in een oude wijk"
    assert _field_value(body, "start_date") == datetime.date.today().isoformat()
    assert _selected(body, "own_direction") == "received"
    assert _selected(body, "other_direction") == "gave"
    assert _selected(body, "form") == "werkbezoek"
    assert "wijk uit de jaren zestig" in body  # the question is what we want to learn
    assert f'href="{introduction.get_absolute_url()}">Annuleren</a>' in body

    # The user changes nothing and saves: the exchange is logged with Enschede.
    form = response.context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["start_date"] = datetime.date.today().isoformat()
    data.pop("practices", None)
    data.pop("embedded", None)
    data["introduction"] = str(introduction.pk)
    saved = client.post(reverse("partnerships:activity-create"), data)
    assert saved.status_code == 302, saved.content.decode()[:3000]
    activity = ExchangeActivity.objects.get(title="Warmtenet in een oude wijk")
    assert {s.organisation_id for s in activity.sides.all()} == {
        weert_contributor.organisation_id,
        enschede.pk,
    }


def test_the_asked_side_gives_and_others_get_an_empty_form(client, weert_contributor, make_user):
    enschede_user = make_user(Role.CONTRIBUTOR, "GM0153")
    accepted = _introduction(weert_contributor, enschede_user.organisation)
    client.force_login(enschede_user)
    body = client.get(
        reverse("partnerships:activity-create"), {"introduction": accepted.pk}
    ).content.decode()
    assert _field_value(body, "other_party") == "Weert"
    assert _selected(body, "own_direction") == "gave"

    # A third organisation learns nothing about someone else's introduction.
    client.force_login(make_user(Role.CONTRIBUTOR, "GM0363"))
    body = client.get(
        reverse("partnerships:activity-create"), {"introduction": accepted.pk}
    ).content.decode()
    assert _field_value(body, "title") == "" and "Warmtenet" not in body
    # Not (yet) accepted: nothing is prefilled either; rubbish is ignored, never a 500.
    accepted.status = Introduction.Status.REQUESTED
    accepted.save()
    client.force_login(weert_contributor)
    for value in (accepted.pk, "abc", "9" * 40):
        response = client.get(reverse("partnerships:activity-create"), {"introduction": value})
        assert response.status_code == 200
        assert _field_value(response.content.decode(), "title") == ""


def test_a_new_exchange_defaults_to_today_and_bad_input_keeps_what_was_typed(
    client, weert_contributor
):
    client.force_login(weert_contributor)
    body = client.get(reverse("partnerships:activity-create")).content.decode()
    assert _field_value(body, "start_date") == datetime.date.today().isoformat()
    response = client.post(
        reverse("partnerships:activity-create"),
        {
            "form": "werkbezoek",
            "title": "Bezoek aan Narnia",
            "start_date": "2025-05-01",
            "other_party": "Narnia",
            "own_direction": "received",
            "other_direction": "gave",
        },
    )
    body = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert _field_value(body, "title") == "Bezoek aan Narnia"
    assert _field_value(body, "other_party") == "Narnia"
    assert _field_value(body, "start_date") == "2025-05-01"  # ISO: the browser shows it
    assert "Narnia" in body and "bekend" in body  # a Dutch message names what is unknown


# -- 2. The question form --------------------------------------------------------------


def test_question_form_has_checkbox_groups_and_plain_labels(client, weert_contributor):
    client.force_login(weert_contributor)
    body = client.get(reverse("matching:question-create")).content.decode()
    assert "<select" not in body.split('<form method="post"')[1]  # no Ctrl-click lists
    domains = PolicyDomain.objects.count()
    assert body.count('name="domains"') == domains == 32
    for parent in PolicyDomain.objects.filter(parent=None):
        assert f">{parent.name_nl}</p>" in body  # each main field titles its group
    assert "Wat wilt u leren?" in body
    assert "Monrooij (2021), §2.1" in body and "(ideologieën)" in body
    assert body.count('name="countries" value=') == 249
    assert "data-choice-filter" in body and "choicefilter.js" in body


def test_ticked_domains_and_countries_are_posted_without_javascript(client, weert_contributor):
    client.force_login(weert_contributor)
    climate = PolicyDomain.objects.get(slug="klimaatadaptatie")
    social = PolicyDomain.objects.get(slug="sociaal-domein")
    response = client.post(
        reverse("matching:question-create"),
        {
            "text": "Wie heeft ervaring met groene schoolpleinen tegen hittestress? Wij zoeken "
            "een gemeente die het al deed.",
            "domains": [climate.pk, social.pk],
            "countries": ["DE", "BE"],
            "transfer": ["beleidsinstrumenten", "negatieve-lessen"],
            "international": "on",
        },
    )
    assert response.status_code == 302
    question = Question.objects.get(organisation=weert_contributor.organisation)
    # No title typed: it comes from the first sentence, never an error.
    assert question.title == "Wie heeft ervaring met groene schoolpleinen tegen hittestress?"
    assert set(question.domains.all()) == {climate, social}
    assert {c.iso2 for c in question.countries.all()} == {"DE", "BE"}
    assert question.transfer == ["beleidsinstrumenten", "negatieve-lessen"]
    assert question.international

    edit = client.get(reverse("matching:question-edit", args=[question.pk])).content.decode()
    assert re.search(r'name="countries" value="DE"[^>]*checked', edit)
    assert re.search(r'<details class="choice-group" data-choice-group open>', edit)
    assert "(2 gekozen)" in edit or "(1 gekozen)" in edit


def test_a_bad_country_keeps_the_ticks_and_says_so_in_dutch(client, weert_contributor):
    client.force_login(weert_contributor)
    response = client.post(
        reverse("matching:question-create"),
        {
            "text": "Wie werkt samen met een stad in Duitsland aan onderwijs?",
            "countries": ["DE", "Narnia"],
        },
    )
    body = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert "Er is geen land bekend met de naam 'Narnia'." in body
    assert re.search(r'name="countries" value="DE"[^>]*checked', body)
    assert "Wie werkt samen met een stad in Duitsland" in body
    assert not Question.objects.exists()


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Hoe richten wij een loket in?", "Hoe richten wij een loket in?"),
        ("  Eerste zin.  Tweede zin is langer.", "Eerste zin."),
        ("woord " * 40, ("woord " * 13).strip() + "…"),
    ],
)
def test_title_from_text(text, title):
    assert title_from_text(text) == title
    assert len(title_from_text(text)) <= 80


def test_a_typed_title_is_kept(db):
    form = QuestionForm(
        {"text": "Wie heeft een goede aanpak voor laaggeletterdheid?", "title": "Taal"}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["title"] == "Taal"


# -- 3. Cancel on every create/edit form -------------------------------------------------

# Templates whose form creates or changes something. Search and filter forms, one-button
# actions on a detail page (confirm, publish, log out) and the login are not among them.
FORM_TEMPLATES = [
    "accounts/templates/accounts/password_reset_form.html",
    "accounts/templates/accounts/password_reset_confirm.html",
    "knowledge/templates/knowledge/adoption_form.html",
    "knowledge/templates/knowledge/attachment_form.html",
    "knowledge/templates/knowledge/import_form.html",
    "knowledge/templates/knowledge/practice_form.html",
    "matching/templates/matching/introduction_form.html",
    "matching/templates/matching/item_form.html",
    "monitor/templates/monitor/answer_forward.html",
    "monitor/templates/monitor/bulk_confirm.html",
    "monitor/templates/monitor/wave_edit.html",
    "monitor/templates/monitor/wave_form.html",
    "monitor/templates/monitor/wave_import.html",
    "partnerships/templates/partnerships/activity_form.html",
    "partnerships/templates/partnerships/council_note.html",
    "partnerships/templates/partnerships/learning_assessment.html",
    "partnerships/templates/partnerships/membership_form.html",
    "partnerships/templates/partnerships/partnership_form.html",
    "register/templates/register/organisation_form.html",
]


@pytest.mark.parametrize("template", FORM_TEMPLATES)
def test_every_create_or_edit_form_template_has_a_cancel_link(template):
    text = (TEMPLATES / template).read_text()
    assert re.search(r'<a class="cancel" href="[^"]+">\{% translate "Cancel" %\}</a>', text)
    assert 'type="reset"' not in text and 'Cancel" %}</button>' not in text


def test_form_templates_list_is_complete():
    """A new form template must be listed above (or be a search/action form)."""
    not_create_or_edit = {
        "accounts/login.html", "accounts/profile.html", "core/home.html", "core/status.html",
        "files/_job_status.html", "knowledge/practice_detail.html", "knowledge/practice_list.html",
        "matching/ask.html", "matching/international.html", "matching/introduction_detail.html",
        "monitor/answer_block.html", "monitor/answer_leave.html", "monitor/answer_review.html",
        "monitor/answer_start.html", "monitor/report.html", "monitor/wave_detail.html",
        "monitor/where_we_stand.html", "partnerships/activity_detail.html",
        "partnerships/balance_list.html", "partnerships/network_balance.html",
        "partnerships/partnership_detail.html", "register/consent.html",
        "register/contact_list.html", "register/municipality_list.html",
        "register/organisation_list.html", "register/place_search.html",
        # A one-choice preference inside a page (the email digest), and its list page.
        "notifications/_digest_form.html", "notifications/list.html",
        # The monitor's one-button status actions, the preview's "next page" (saves
        # nothing), the code list's row actions and one municipality's actions page.
        "monitor/_status_controls.html", "monitor/preview_block.html",
        "monitor/wave_tokens.html", "monitor/wave_token.html",
    }  # fmt: skip
    listed = {t.split("/templates/")[1] for t in FORM_TEMPLATES}
    found = {
        str(path.relative_to(path.parents[2])).replace("\\", "/").split("templates/")[-1]
        for path in TEMPLATES.glob("*/templates/*/*.html")
        if "<form" in path.read_text()
    }
    assert found - listed - not_create_or_edit == set()


def test_create_and_edit_pages_show_cancel(client, weert_contributor, make_user):
    client.force_login(weert_contributor)
    partnership = PartnershipFactory(partners=["GM0988", "place: Münster, DE"])
    pages = [
        reverse("partnerships:partnership-create"),
        reverse("partnerships:activity-create"),
        reverse("partnerships:membership-create"),
        reverse("matching:question-create"),
        reverse("matching:offer-create"),
        reverse("knowledge:practice-create"),
    ]
    pages.append(reverse("partnerships:council-note", args=[partnership.slug]))
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert re.search(
            r'<a class="cancel" href="/[^"]*">Annuleren</a>', response.content.decode()
        ), url
    client.logout()
    body = client.get(reverse("accounts:password_reset")).content.decode()
    assert f'<a class="cancel" href="{reverse("accounts:login")}">Annuleren</a>' in body


# -- 4. Defaults ---------------------------------------------------------------------------


def test_council_note_period_is_last_year_or_the_partnerships_dated_period(db):
    partnership = PartnershipFactory()
    for day in (datetime.date(2019, 3, 1), datetime.date(2020, 6, 1)):
        ExchangeActivityFactory(
            partnership=partnership,
            start_date=day,
            sides=[("GM0153", "gave"), ("place: Münster, DE", "received")],
        )
    activities = list(partnership.activities.all())
    today = datetime.date(2026, 12, 3)
    last_year = (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    partnership.activities.update(start_date=None, end_date=None, year=None)
    assert default_note_period(partnership, today) == last_year  # nothing dated
    # Only a year known (as the sources give it): that year, not an empty last year.
    partnership.activities.filter(pk=activities[-1].pk).update(year=2021)
    assert default_note_period(partnership, today) == (
        datetime.date(2021, 1, 1),
        datetime.date(2021, 12, 31),
    )
    partnership.activities.update(year=None)
    # Nothing dated, but the partnership ran 2021–2023: those years.
    partnership.start_year, partnership.end_year = 2021, 2023
    assert default_note_period(partnership, today) == (
        datetime.date(2021, 1, 1),
        datetime.date(2023, 12, 31),
    )
    partnership.start_year = partnership.end_year = None
    # Only older exchanges: the note covers the years they span, not an empty year.
    first = activities[0]
    first.start_date, first.end_date = datetime.date(2012, 5, 1), datetime.date(2013, 2, 1)
    first.save()
    assert default_note_period(partnership, today) == (
        datetime.date(2012, 1, 1),
        datetime.date(2013, 12, 31),
    )
    # An exchange last year makes the period that year.
    partnership.activities.filter(pk=first.pk).update(start_date=datetime.date(2025, 4, 1))
    assert default_note_period(partnership, today) == last_year
    form = CouncilNoteForm(partnership=partnership)
    rendered = str(form["start"])
    assert 'type="date"' in rendered and re.search(r'value="\d{4}-01-01"', rendered)


# -- 5. Single checkboxes ------------------------------------------------------------------


def test_a_single_checkbox_has_its_label_beside_the_box(db):
    field = QuestionForm()["outside_circle"].as_field_group()
    box = re.search(r'<div class="check"><input type="checkbox"[^>]*id="id_outside_circle">'
                    r'<label for="id_outside_circle">([^<]+)</label></div>', field)  # fmt: skip
    assert box, field
    assert not box.group(1).endswith(":")
    assert 'aria-describedby="id_outside_circle_helptext"' in field
    assert 'id="id_outside_circle_helptext"' in field


def test_a_new_wave_counts_and_opens_today_and_shows_the_date(db):
    from kennisschakel.monitor.forms import WaveForm

    today = datetime.date.today().isoformat()
    form = WaveForm()
    for name in ("reference_date", "opens_on"):
        assert f'value="{today}"' in str(form[name])
    # Closing six weeks after opening: a usual answering period, changed in one field.
    six_weeks = (datetime.date.today() + datetime.timedelta(weeks=6)).isoformat()
    assert f'value="{six_weeks}"' in str(form["closes_on"])
