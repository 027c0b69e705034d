"""Issue 14: a facilitator changes a wave after creating it (/monitor/golven/<slug>/bewerken/).

Title, period, dates, smallest group and helpdesk line change; the questionnaire, the
population and the size classes do not (shown as text). The status keeps following the
dates and the override. A refused edit answers 400, keeps what was typed and writes
nothing. "Today" is injected as in test_schedule.py (``monitor.models.local_today``).
"""

import datetime

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from kennisschakel.monitor import models as monitor_models
from kennisschakel.monitor import schedule
from kennisschakel.monitor.models import Instrument, Wave
from kennisschakel.register.models import SizeScheme

DAY = datetime.timedelta(days=1)
TODAY = datetime.date(2026, 11, 20)
OPENS = datetime.date(2026, 12, 1)
CLOSES = datetime.date(2027, 1, 31)
OPEN, CLOSED, DRAFT = Wave.Status.OPEN, Wave.Status.CLOSED, Wave.Status.DRAFT


@pytest.fixture(autouse=True)
def today(monkeypatch):
    """Today is TODAY unless a test sets another day: ``today(date)``."""

    def set_today(day: datetime.date) -> datetime.date:
        monkeypatch.setattr(monitor_models, "local_today", lambda: day)
        return day

    set_today(TODAY)
    return set_today


@pytest.fixture
def wave(db) -> Wave:
    """A wave in preparation with two invitations (enough for "someone started")."""
    wave = Wave.objects.create(
        slug="gib-bewerken",
        instrument=Instrument.objects.get(slug="gib"),
        title="Monitor internationaal beleid 2026",
        period="2026",
        reference_date=datetime.date(2026, 1, 1),
        size_scheme=SizeScheme.objects.get(slug="gib2009"),
        opens_on=OPENS,
        closes_on=CLOSES,
    )
    for cbs_code, name in (("GM0153", "Enschede"), ("GM0988", "Weert")):
        wave.invitations.create(cbs_code=cbs_code, name=name)
    return wave


def url(wave: Wave) -> str:
    return reverse("monitor:wave-edit", args=[wave.slug])


def values(wave: Wave, **changes) -> dict:
    data = {
        "title": wave.title,
        "period": wave.period,
        "opens_on": wave.opens_on.isoformat(),
        "closes_on": wave.closes_on.isoformat(),
        "min_cell": wave.min_cell,
        "helpdesk": wave.helpdesk,
    }
    data.update(changes)
    return data


def stored(wave: Wave) -> dict:
    return model_to_dict(Wave.objects.get(pk=wave.pk))


def test_the_form_shows_what_is_fixed_as_text(client, facilitator, wave):
    client.force_login(facilitator)
    detail = client.get(wave.get_absolute_url()).content.decode()
    assert url(wave) in detail and "Meting bewerken" in detail

    page = client.get(url(wave)).content.decode()
    assert 'name="title"' in page and 'value="Monitor internationaal beleid 2026"' in page
    assert 'name="opens_on"' in page and 'value="2026-12-01"' in page
    for fixed in ("instrument", "reference_date", "size_scheme", "slug"):
        assert f'name="{fixed}"' not in page
    assert wave.instrument.title in page and str(wave.size_scheme) in page
    assert "de gemeenten van 1 januari 2026" in page


def test_new_dates_move_the_status_and_the_slug_stays(client, facilitator, wave):
    client.force_login(facilitator)
    assert wave.status == DRAFT

    # Opening today: open at once, and the invited are told (once, by announce_status).
    response = client.post(
        url(wave),
        values(wave, title="Monitor 2026 (herzien)", opens_on=TODAY.isoformat(), helpdesk="070"),
        follow=True,
    )
    assert response.redirect_chain == [(wave.get_absolute_url(), 302)]
    assert "De meting is open tot en met 31 januari 2027" in response.content.decode()
    edited = Wave.objects.get(pk=wave.pk)
    assert edited.slug == "gib-bewerken"  # the web address does not follow the new title
    assert (edited.title, edited.helpdesk, edited.opens_on) == (
        "Monitor 2026 (herzien)",
        "070",
        TODAY,
    )
    assert edited.status == OPEN and edited.status_override == ""
    assert edited.opened_announced_at is not None

    # Back to a later opening (nobody has started): in preparation again.
    later = TODAY + 5 * DAY
    response = client.post(url(wave), values(edited, opens_on=later.isoformat()), follow=True)
    assert "De meting gaat open op 25 november 2026" in response.content.decode()
    assert Wave.objects.get(pk=wave.pk).status == DRAFT

    # A closing date that has come: closed by its dates from the next day on.
    response = client.post(url(wave), values(edited, opens_on=TODAY.isoformat(),
                                             closes_on=TODAY.isoformat()))  # fmt: skip
    assert response.status_code == 302
    assert Wave.objects.get(pk=wave.pk).effective_status(TODAY + DAY) == CLOSED


def test_closing_before_opening_is_refused_and_nothing_is_written(client, facilitator, wave):
    client.force_login(facilitator)
    before = stored(wave)
    response = client.post(
        url(wave),
        values(wave, title="Nieuwe titel", closes_on=(OPENS - DAY).isoformat()),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "De sluitingsdatum ligt vóór de openingsdatum. Kies 1 december 2026 of later." in page
    assert 'value="Nieuwe titel"' in page and 'value="2026-11-30"' in page  # typed, kept
    assert "<h1>Meting bewerken</h1>" in page and "Monitor internationaal beleid 2026" in page
    assert stored(wave) == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"opens_on": (TODAY - DAY).isoformat()}, "De openingsdatum is al voorbij"),
        ({"closes_on": (TODAY - DAY).isoformat()}, "De sluitingsdatum is al voorbij"),
        ({"min_cell": "0"}, "Kies een getal van 1 tot en met 50."),
        ({"title": ""}, "Titel: Dit veld is vereist."),
        ({"opens_on": "31-02-2026"}, "Voer een geldige datum in."),
    ],
)
def test_bad_input_is_a_400_with_a_dutch_message(client, facilitator, wave, changes, message):
    client.force_login(facilitator)
    before = stored(wave)
    response = client.post(url(wave), values(wave, **changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert stored(wave) == before


def test_a_past_opening_date_may_stay_but_not_move_once_answering_began(
    client, facilitator, wave, today
):
    client.force_login(facilitator)
    today(OPENS + 10 * DAY)  # open by its dates; the opening date lies in the past now
    wave.invitations.filter(cbs_code="GM0153").update(
        started_at=datetime.datetime(2026, 12, 5, tzinfo=datetime.UTC)
    )
    response = client.post(url(wave), values(wave, period="2026-2027"))
    assert response.status_code == 302
    assert Wave.objects.get(pk=wave.pk).period == "2026-2027"

    before = stored(wave)
    later = (OPENS + 20 * DAY).isoformat()
    response = client.post(url(wave), values(wave, opens_on=later))
    assert response.status_code == 400
    assert "Er zijn al gemeenten begonnen met invullen" in response.content.decode()
    assert stored(wave) == before and Wave.objects.get(pk=wave.pk).status == OPEN


def test_a_wave_closed_by_hand_stays_closed(client, facilitator, wave, today):
    client.force_login(facilitator)
    today(OPENS + DAY)
    schedule.set_override(wave, CLOSED, facilitator)
    response = client.post(
        url(wave), values(wave, closes_on=(CLOSES + 30 * DAY).isoformat()), follow=True
    )
    assert "De meting blijft gesloten: ze is met de hand gesloten." in response.content.decode()
    edited = Wave.objects.get(pk=wave.pk)
    assert edited.closes_on == CLOSES + 30 * DAY
    assert edited.status == CLOSED and edited.status_override == CLOSED


def test_a_practice_wave_is_not_reopened_by_its_dates(client, facilitator, wave, today):
    Wave.objects.filter(pk=wave.pk).update(is_practice=True)
    today(CLOSES + 10 * DAY)
    client.force_login(facilitator)
    before = stored(wave)
    response = client.post(url(wave), values(wave, closes_on=(CLOSES + 20 * DAY).isoformat()))
    assert response.status_code == 400
    assert "Een oefengolf bevat fictieve antwoorden" in response.content.decode()
    assert stored(wave) == before


def test_only_facilitators_edit_a_wave(client, make_user, enschede_contributor, wave):
    from kennisschakel.accounts.models import Role

    before = stored(wave)
    data = values(wave, title="Overgenomen")
    # Anonymous: to the login page, for reading as for writing.
    for response in (client.get(url(wave)), client.post(url(wave), data)):
        assert response.status_code == 302 and "inloggen" in response["Location"]
    for user in (enschede_contributor, make_user(Role.COORDINATOR, "GM0153")):
        client.force_login(user)
        assert client.get(url(wave)).status_code == 403
        assert client.post(url(wave), data).status_code == 403
        assert url(wave) not in client.get(wave.get_absolute_url()).content.decode()
    assert stored(wave) == before


def test_an_unknown_wave_is_a_404(client, facilitator, db):
    client.force_login(facilitator)
    assert client.get(reverse("monitor:wave-edit", args=["bestaat-niet"])).status_code == 404
    assert client.post(reverse("monitor:wave-edit", args=["bestaat-niet"]), {}).status_code == 404


def test_the_edit_holds_the_row_lock_from_check_to_write(client, facilitator, wave):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if not connection.features.has_select_for_update:
        pytest.skip("SQLite locks the whole database; the row lock is PostgreSQL's")
    client.force_login(facilitator)
    with CaptureQueriesContext(connection) as queries:
        assert client.post(url(wave), values(wave, period="2027")).status_code == 302
    sql = [query["sql"] for query in queries]
    locked = next(i for i, s in enumerate(sql) if "FOR UPDATE" in s and "monitor_wave" in s)
    written = next(i for i, s in enumerate(sql) if s.startswith('UPDATE "monitor_wave"'))
    assert locked < written
