"""Issue 14: a wave's status follows its dates (with the facilitator's override), every page
says what the status is, the wave form asks only what it must, and the "opened" /
"closed" notifications go out once, whoever notices the date first (SQLite and PostgreSQL).

"Today" is injected by replacing ``monitor.models.local_today``: the one clock the
status follows.
"""

import datetime
import threading

import pytest
from django.urls import reverse
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kennisschakel.accounts.models import Role
from kennisschakel.monitor import models as monitor_models
from kennisschakel.monitor import schedule, services
from kennisschakel.monitor.models import Instrument, Wave
from kennisschakel.notifications.models import Kind, Notification
from kennisschakel.register.models import SizeScheme
from tests.background import run_queued_tasks
from tests.concurrency import errors, run_in_threads

OPENS = datetime.date(2026, 12, 1)
CLOSES = datetime.date(2027, 1, 31)
DAY = datetime.timedelta(days=1)
OPEN, CLOSED, DRAFT = Wave.Status.OPEN, Wave.Status.CLOSED, Wave.Status.DRAFT


@pytest.fixture
def today(monkeypatch):
    """Set the monitor's today: ``today(date)``."""

    def set_today(day: datetime.date) -> datetime.date:
        monkeypatch.setattr(monitor_models, "local_today", lambda: day)
        return day

    return set_today


def bare_wave(slug="gib-schema", **values) -> Wave:
    """A wave without invitations (no announcements): enough for the status rule."""
    return Wave.objects.create(
        slug=slug,
        instrument=Instrument.objects.get(slug="gib"),
        title=f"Monitor ({slug})",
        period="2026",
        reference_date=datetime.date(2026, 1, 1),
        size_scheme=SizeScheme.objects.get(slug="gib2009"),
        opens_on=values.pop("opens_on", OPENS),
        closes_on=values.pop("closes_on", CLOSES),
        **values,
    )


def full_wave(slug="gib-planning", **values) -> Wave:
    """A wave with its 342 invitations, made the way the site makes it."""
    return services.create_wave(
        {
            "slug": slug,
            "instrument": Instrument.objects.get(slug="gib"),
            "title": f"Monitor internationaal beleid ({slug})",
            "period": "2026",
            "reference_date": datetime.date(2026, 1, 1),
            "opens_on": OPENS,
            "closes_on": CLOSES,
            **values,
        }
    )


# --------------------------------------------------------------------------- the rule


BOUNDARIES = [OPENS - DAY, OPENS, OPENS + DAY, CLOSES - DAY, CLOSES, CLOSES + DAY]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "override, expected",
    [
        ("", [DRAFT, OPEN, OPEN, OPEN, OPEN, CLOSED]),
        (OPEN, [OPEN, OPEN, OPEN, OPEN, OPEN, CLOSED]),  # opened early; closes by its date
        (CLOSED, [CLOSED] * 6),
    ],
)
def test_status_follows_the_dates_across_the_boundaries(override, expected):
    wave = bare_wave(status_override=override)
    for day, status in zip(BOUNDARIES, expected, strict=True):
        assert wave.effective_status(day) == status, day
        assert wave.is_answerable(day) is (status == OPEN)
        phase = {OPEN: "answer", CLOSED: "results", DRAFT: "closed"}[status]
        assert services.code_phase(wave, day) == phase
        # The queries say the same as the instance, for every status: one rule.
        for candidate in (DRAFT, OPEN, CLOSED):
            found = Wave.objects.with_status(candidate, day).filter(pk=wave.pk).exists()
            assert found is (candidate == status), (day, candidate)
        assert Wave.objects.open_on(day).filter(pk=wave.pk).exists() is (status == OPEN)


@pytest.mark.django_db
def test_the_status_is_never_stored(today):
    """Issue 14 item 1: a wave created with opening date 1 December is open on the 2nd,
    without anyone touching it, and the code from the letter works."""
    today(OPENS - 5 * DAY)
    wave = full_wave()
    code = services.issue_code(wave.invitations.get(cbs_code="GM0153"))
    assert wave.status == DRAFT
    with pytest.raises(services.CodeRejected):
        services.check_code(wave, code, "10.0.0.1")
    today(OPENS + DAY)
    wave = Wave.objects.get(pk=wave.pk)
    assert wave.status == OPEN and wave.get_status_display() == "open"
    assert services.check_code(wave, code, "10.0.0.1").cbs_code == "GM0153"
    with pytest.raises(AttributeError):
        wave.status = CLOSED  # read-only: dates or the override decide
    today(CLOSES + DAY)
    assert Wave.objects.get(pk=wave.pk).status == CLOSED
    assert services.check_code(wave, code, "10.0.0.1").cbs_code == "GM0153"  # its results


# --------------------------------------------------------------------------- the override


@pytest.mark.django_db
def test_facilitator_opens_early_closes_and_goes_back_to_the_dates(client, facilitator):
    # The real clock: the override records the moment it was set (timezone.now()).
    real_today = Wave.today()
    opens, closes = real_today + 10 * DAY, real_today + 60 * DAY
    wave = full_wave(opens_on=opens, closes_on=closes)
    url = reverse("monitor:wave-status", args=[wave.slug])
    client.force_login(facilitator)
    page = client.get(wave.get_absolute_url()).content.decode()
    assert "In voorbereiding: gaat open op" in page
    assert "Nu openen" in page and "Nu sluiten" not in page

    # A closing date in the past is refused with its reason; nothing changes.
    past = (real_today - DAY).isoformat()
    response = client.post(url, {"action": "open", "closes_on": past})
    assert response.status_code == 400
    assert "De sluitingsdatum is voorbij" in response.content.decode()
    wave.refresh_from_db()
    assert wave.status_override == "" and wave.status == DRAFT

    response = client.post(url, {"action": "open", "closes_on": closes.isoformat()})
    assert response.status_code == 302
    wave.refresh_from_db()
    assert wave.status == OPEN and wave.status_override == OPEN
    assert wave.status_override_by == facilitator and wave.status_override_at is not None
    assert wave.opening_day() == real_today < opens
    page = client.get(wave.get_absolute_url()).content.decode()
    assert "(met de hand geopend)" in page and "Met de hand ingesteld door" in page
    assert "Volgens de datums gaat de meting open op" in page
    # Closing asks for confirmation first (the bulk "close" page, with its counts).
    assert reverse("monitor:wave-bulk", args=[wave.slug, "close"]) in page

    assert client.post(url, {"action": "close"}).status_code == 302
    wave.refresh_from_db()
    assert wave.status == CLOSED and wave.closing_day() == real_today < closes
    # Closing what is closed already says so.
    response = client.post(url, {"action": "close"})
    assert response.status_code == 400 and "al gesloten" in response.content.decode()

    assert client.post(url, {"action": "dates"}).status_code == 302
    wave.refresh_from_db()
    assert wave.status == DRAFT and wave.status_override == ""
    assert client.post(url, {"action": "anders"}).status_code == 400


@pytest.mark.django_db
def test_only_facilitators_change_the_status(client, enschede_contributor, today):
    today(OPENS - DAY)
    wave = bare_wave()
    client.force_login(enschede_contributor)
    url = reverse("monitor:wave-status", args=[wave.slug])
    assert client.post(url, {"action": "open"}).status_code == 403
    assert Wave.objects.get(pk=wave.pk).status == DRAFT


@pytest.mark.django_db
def test_api_status_is_computed_and_the_override_recorded(facilitator, today):
    from rest_framework.test import APIClient

    today(OPENS + DAY)
    wave = bare_wave(opened_announced_at=datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC))
    api = APIClient()
    api.force_authenticate(facilitator)
    url = f"/api/v1/waves/{wave.slug}"
    assert api.get(url).json()["status"] == OPEN
    response = api.patch(url, {"status": "draft"}, format="json")  # read-only: ignored
    assert response.status_code == 200 and response.json()["status"] == OPEN
    response = api.patch(url, {"status_override": "closed"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == CLOSED
    wave.refresh_from_db()
    assert wave.status_override_by == facilitator
    response = api.patch(url, {"status_override": "open"}, format="json")
    assert response.json()["status"] == OPEN


# --------------------------------------------------------------------------- wording


@pytest.mark.django_db
def test_every_page_says_what_the_status_is(client, facilitator, today):
    today(OPENS - 5 * DAY)
    wave = full_wave()
    start = reverse("monitor:answer-start", args=[wave.slug])

    def pages():
        client.logout()
        answer = client.get(start).content.decode()
        client.force_login(facilitator)
        listing = client.get(reverse("monitor:wave-list")).content.decode()
        detail = client.get(wave.get_absolute_url()).content.decode()
        client.logout()
        return answer, listing, detail

    answer, listing, detail = pages()
    assert "gaat open op 1 december 2026" in answer and 'name="code"' not in answer
    assert "is open van" not in answer
    for page in (listing, detail):
        assert "In voorbereiding: gaat open op 1 december 2026" in page

    today(OPENS + DAY)
    answer, listing, detail = pages()
    assert "Deze vragenlijst is open van 1 december 2026 tot en met 31 januari 2027" in answer
    assert 'name="code"' in answer and "Vragenlijst openen" in answer
    for page in (listing, detail):
        assert "Open van 1 december 2026 tot en met 31 januari 2027" in page

    today(CLOSES + DAY)
    answer, listing, detail = pages()
    assert "is open van" not in answer
    assert "Deze vragenlijst is gesloten op 31 januari 2027" in answer
    assert "Waar staan wij" in answer and "Onze resultaten tonen" in answer
    for page in (listing, detail):
        assert "Gesloten op 31 januari 2027" in page
        assert reverse("monitor:wave-report", args=[wave.slug]) in page
    assert "waar zij staat" in detail  # until when the codes open the results

    today(CLOSES + 400 * DAY)  # the results period is over too
    answer, *_ = pages()
    assert "gesloten op 31 januari 2027" in answer and "kunnen niet meer met een code" in answer
    assert 'name="code"' not in answer


@pytest.mark.django_db
def test_mine_and_the_municipality_page_follow_the_dates(client, make_user, today):
    today(OPENS - 5 * DAY)
    wave = full_wave()
    coordinator = make_user(Role.COORDINATOR, "GM0153")
    client.force_login(coordinator)
    mine = reverse("core:mine")
    assert wave.title not in client.get(mine).content.decode()  # not open yet
    today(OPENS + DAY)
    assert reverse("monitor:answer-start", args=[wave.slug]) in client.get(mine).content.decode()
    today(CLOSES + DAY)
    page = client.get(mine).content.decode()
    assert reverse("monitor:where-we-stand", args=[wave.slug]) in page
    assert "Gesloten op 31 januari 2027" in page


# --------------------------------------------------------------------------- the wave form


def form_data(**changes) -> dict:
    return {
        "instrument": Instrument.objects.get(slug="gib").pk,
        "title": "Monitor internationaal beleid 2027",
        "period": "2026",
        "reference_date": "2027-01-01",
        "opens_on": "2027-03-01",
        "closes_on": "2027-04-30",
        "min_cell": "5",
        **changes,
    }


@pytest.mark.django_db
def test_wave_form_asks_only_what_it_must(client, facilitator, today):
    today(datetime.date(2027, 2, 1))
    client.force_login(facilitator)
    url = reverse("monitor:wave-create")
    form = client.get(url).context["form"]
    assert "slug" not in form.fields and "size_scheme" not in form.fields
    assert form.fields["opens_on"].initial == datetime.date(2027, 2, 1)
    assert form.fields["closes_on"].initial == datetime.date(2027, 3, 15)  # six weeks
    scheme = SizeScheme.objects.get(slug="gib2009")
    gib = Instrument.objects.get(slug="gib")
    assert f"{gib.title}: {scheme.name}" in form.fields["instrument"].help_text

    assert client.post(url, form_data()).status_code == 302
    assert client.post(url, form_data()).status_code == 302  # the same title again
    slugs = sorted(Wave.objects.values_list("slug", flat=True))
    assert slugs == ["monitor-internationaal-beleid-2027", "monitor-internationaal-beleid-2027-2"]
    assert {w.size_scheme.slug for w in Wave.objects.all()} == {"gib2009"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes, message",
    [
        ({"opens_on": "2027-01-15"}, "De openingsdatum is al voorbij. Kies vandaag of een"),
        ({"closes_on": "2027-02-20"}, "vóór de openingsdatum. Kies 1 maart 2027 of later."),
        ({"instrument": "999999"}, "Selecteer een geldige keuze"),
        ({"instrument": ""}, "Dit veld is vereist"),
        ({"opens_on": "1 maart"}, "Voer een geldige datum in"),
    ],
)  # fmt: skip
def test_wave_form_messages_are_plain_dutch(client, facilitator, today, changes, message):
    today(datetime.date(2027, 2, 1))
    client.force_login(facilitator)
    response = client.post(reverse("monitor:wave-create"), form_data(**changes))
    body = response.content.decode()
    assert response.status_code == 400 and message in body
    assert not Wave.objects.exists()  # a failed submit writes nothing
    assert "999999" not in body.split("error-summary")[1].split("</div>")[0]  # no ids
    assert 'value="Monitor internationaal beleid 2027"' in body  # nothing typed is lost


@pytest.mark.django_db
def test_an_instrument_without_its_size_classes_is_named_not_numbered(client, facilitator):
    instrument = Instrument.objects.get(slug="gib")
    Instrument.objects.filter(pk=instrument.pk).update(
        definition={**instrument.definition, "size_scheme": "bestaat-niet"}
    )
    client.force_login(facilitator)
    data = form_data(opens_on="2099-03-01", closes_on="2099-04-01")
    response = client.post(reverse("monitor:wave-create"), data)
    body = response.content.decode()
    assert response.status_code == 400 and "De grootteklassen van deze vragenlijst" in body
    assert "bestaat-niet" not in body and not Wave.objects.exists()


# --------------------------------------------------------------------------- notifications


def results_and_invitations(user) -> list[str]:
    return list(
        Notification.objects.filter(user=user).order_by("pk").values_list("kind", flat=True)
    )


@pytest.mark.django_db
def test_notifications_follow_the_dates_once(
    make_user, client, today, django_capture_on_commit_callbacks
):
    reader = make_user(Role.READER, "GM0153")
    today(OPENS - 5 * DAY)
    with django_capture_on_commit_callbacks(execute=True):
        wave = full_wave()
    assert results_and_invitations(reader) == []  # in preparation: nobody is told

    today(OPENS)
    with django_capture_on_commit_callbacks(execute=True):
        # The first page after the date tells them; later pages and passes do not.
        client.get(reverse("monitor:answer-start", args=[wave.slug]))
        client.get(reverse("monitor:answer-start", args=[wave.slug]))
        assert schedule.announce_due() == 0
    assert results_and_invitations(reader) == [Kind.MONITOR_INVITATION]

    today(CLOSES + DAY)
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule.announce_due() == 1  # the worker's pass noticed first
        assert schedule.announce_due() == 0
        client.get(reverse("monitor:wave-list"))
    assert results_and_invitations(reader) == [Kind.MONITOR_INVITATION, Kind.MONITOR_RESULTS]


@pytest.mark.django_db
def test_closing_by_hand_tells_at_once_and_a_closed_wave_does_not_invite(
    make_user, today, django_capture_on_commit_callbacks
):
    reader = make_user(Role.READER, "GM0153")
    today(OPENS - 5 * DAY)
    with django_capture_on_commit_callbacks(execute=True):
        wave = full_wave()
        services.close_wave(wave)  # closed before it ever opened
    assert results_and_invitations(reader) == [Kind.MONITOR_RESULTS]
    today(OPENS + DAY)
    with django_capture_on_commit_callbacks(execute=True):
        schedule.set_override(wave, "")  # back to the dates: open, but invited once only
        assert schedule.announce_due() == 0
    assert results_and_invitations(reader) == [Kind.MONITOR_RESULTS]


@pytest.mark.django_db
def test_a_practice_wave_tells_nobody(make_user, today, django_capture_on_commit_callbacks):
    reader = make_user(Role.READER, "GM0153")
    today(OPENS + DAY)
    with django_capture_on_commit_callbacks(execute=True):
        wave = full_wave(is_practice=True)
        today(CLOSES + DAY)
        assert schedule.announce_due() == 1  # marked, so that no later pass tries again
        assert schedule.announce_due() == 0
    assert results_and_invitations(reader) == []
    assert Wave.objects.get(pk=wave.pk).closed_announced_at is not None


@pytest.mark.django_db
def test_the_worker_pass_runs_every_hour(make_user, today, django_capture_on_commit_callbacks):
    from django.utils import timezone

    from kennisschakel.core.background.tasks import sweep_outbox

    reader = make_user(Role.READER, "GM0153")
    today(OPENS - 5 * DAY)
    wave = full_wave()
    sweep_outbox.enqueue()
    run_queued_tasks(["email"])
    planned = DBTaskResult.objects.get(
        task_path=schedule.announce_wave_status.module_path, status=TaskResultStatus.READY
    )
    assert planned.run_after > planned.enqueued_at and planned.run_after.minute == 0
    assert schedule.schedule_pass() is False  # one waiting is enough

    today(OPENS)
    DBTaskResult.objects.filter(pk=planned.pk).update(run_after=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        run_queued_tasks(["default"])
    assert results_and_invitations(reader) == [Kind.MONITOR_INVITATION]
    assert Wave.objects.get(pk=wave.pk).opened_announced_at is not None
    assert DBTaskResult.objects.filter(  # the pass planned the next
        task_path=schedule.announce_wave_status.module_path, status=TaskResultStatus.READY
    ).exists()


@pytest.mark.parametrize("moment", ["opened", "closed"])
def test_parallel_passes_and_pages_send_once(committed_db, make_user, today, monkeypatch, moment):
    """Worker passes and page requests notice the date at the same instant: one of them
    claims the marker and sends; every other sends nothing (a conditional UPDATE)."""
    from django.test import Client

    reader = make_user(Role.READER, "GM0153")
    today(OPENS - 5 * DAY)
    wave = full_wave("gib-race")
    if moment == "closed":
        Wave.objects.filter(pk=wave.pk).update(
            opened_announced_at=datetime.datetime.now(datetime.UTC)
        )
    today(OPENS if moment == "opened" else CLOSES + DAY)

    sent, lock = [], threading.Lock()
    real_notify = schedule.notify_wave

    def counting_notify(target, status=None):
        with lock:
            sent.append(status)
        real_notify(target, status)

    monkeypatch.setattr(schedule, "notify_wave", counting_notify)
    start = reverse("monitor:answer-start", args=[wave.slug])

    def notice(index):
        if index % 3 == 0:
            return schedule.announce_due()
        if index % 3 == 1:
            return 1 if schedule.announce_status(Wave.objects.get(pk=wave.pk)) else 0
        assert Client().get(start).status_code == 200
        return 0  # whether this request was the one that sent shows in ``sent``

    outcomes = run_in_threads(notice, [(index,) for index in range(12)])
    assert errors(outcomes) == []
    expected = OPEN if moment == "opened" else CLOSED
    print(f"\n{moment}: {len(outcomes)} at once, {len(sent)} sent")  # noqa: T201
    assert sent == [expected]
    assert sum(o.value for o in outcomes) <= 1
    kind = Kind.MONITOR_INVITATION if moment == "opened" else Kind.MONITOR_RESULTS
    assert Notification.objects.filter(user=reader, kind=kind).count() == 1


@pytest.mark.django_db
def test_the_wave_list_asks_the_same_queries_for_more_waves(client, today):
    """The status is computed per row in Python and an announced wave costs no query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    today(OPENS + DAY)
    announced = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)
    bare_wave("gib-een", opened_announced_at=announced)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("monitor:wave-list")).status_code == 200
        return len(captured)

    one = queries()
    bare_wave("gib-twee", opened_announced_at=announced)
    bare_wave("gib-drie", status_override=CLOSED, opened_announced_at=announced,
              closed_announced_at=announced)  # fmt: skip
    assert queries() == one
