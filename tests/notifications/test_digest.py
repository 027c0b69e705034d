"""The email digest: opt-in, daily or weekly, one email with the unread notifications
since the previous digest, at most once per calendar day or ISO week, nothing when there
is nothing new; through the outbox to a real SMTP server; once under concurrency."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kennisschakel.accounts.models import Role
from kennisschakel.core.background.models import OutgoingEmail
from kennisschakel.notifications import services, tasks
from kennisschakel.notifications.models import DigestPreference, Kind, Notification
from tests.background import run_queued_tasks
from tests.concurrency import errors, run_in_threads

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# A Wednesday morning, site time; the ISO week began on Monday 3 March.
WEDNESDAY = datetime.datetime(2025, 3, 5, 8, 0, tzinfo=AMSTERDAM)


def at(days: float = 0, hours: float = 0) -> datetime.datetime:
    return WEDNESDAY + datetime.timedelta(days=days, hours=hours)


def notify(user, key: str, when: datetime.datetime, subject: str | None = None) -> Notification:
    return Notification.objects.create(
        user=user,
        kind=Kind.INTRODUCTION_REQUESTED,
        key=key,
        actor="Gemeente Weert",
        subject=subject or f"Verzoek {key}",
        url=f"/introducties/{key}/",
        created_at=when,
    )


def opt_in(user, frequency="daily", language="nl") -> DigestPreference:
    return services.set_frequency(user, frequency, language)


def digest(user, now, capture) -> bool:
    with capture(execute=True):  # the outbox enqueues its sending task after commit
        return services.send_digest(user.pk, now)


@pytest.fixture
def user(db, make_user):
    return make_user(Role.COORDINATOR, "GM0153", full_name="Esther Jansen")


def test_daily_digest_over_real_smtp_once_a_day(
    user, smtp_server, django_capture_on_commit_callbacks
):
    opt_in(user, "daily")
    notify(user, "a", at(hours=-10), "Samenwerking met Dalian")
    notify(user, "b", at(hours=-2), "Afvalbeleid in Münster")
    read = notify(user, "c", at(hours=-1), "Al gelezen verzoek")
    read.read_at = at(hours=-0.5)
    read.save()
    notify(user, "old", at(days=-3), "Van drie dagen geleden")  # before the first day

    assert digest(user, at(), django_capture_on_commit_callbacks) is True
    messages = smtp_server.messages
    assert len(messages) == 1
    message = messages[0]
    assert message["to"] == [user.email]
    assert message["message"]["Subject"] == "Kennisschakel: 2 nieuwe meldingen"
    body = message["message"].get_content()
    assert body.startswith("Beste Esther,")
    # The first digest: no "since your previous digest" when there was none.
    assert "Dit is uw eerste dagelijkse overzicht. Van de afgelopen dag zijn er 2 nieuwe" in body
    assert "vorige" not in body
    assert (
        "Gemeente Weert vraagt uw organisatie om een kennismaking: Afvalbeleid in Münster" in body
    )
    assert body.index("Afvalbeleid in Münster") < body.index("Samenwerking met Dalian")  # newest
    assert "/introducties/b/" in body and "/meldingen/" in body and "/account/profiel/" in body
    assert "Al gelezen verzoek" not in body and "Van drie dagen geleden" not in body

    # The same day: never a second digest, even with something new.
    notify(user, "d", at(hours=1))
    assert digest(user, at(hours=2), django_capture_on_commit_callbacks) is False
    # The next day: only what came since the previous digest.
    assert digest(user, at(days=1), django_capture_on_commit_callbacks) is True
    assert len(smtp_server.messages) == 2
    second = smtp_server.messages[1]["message"]
    assert second["Subject"] == "Kennisschakel: 1 nieuwe melding"
    assert "Verzoek d" in second.get_content() and "Dalian" not in second.get_content()
    assert "Sinds uw vorige dagelijkse overzicht is er 1 nieuwe melding" in second.get_content()
    assert "eerste" not in second.get_content()
    assert DigestPreference.objects.get(user=user).last_digest_at == at(days=1)


def test_nothing_new_sends_nothing_and_a_later_item_still_goes_that_day(
    user, smtp_server, django_capture_on_commit_callbacks
):
    opt_in(user, "daily")
    assert digest(user, at(), django_capture_on_commit_callbacks) is False
    assert DigestPreference.objects.get(user=user).last_digest_at is None
    notify(user, "later", at(hours=3))
    assert digest(user, at(hours=4), django_capture_on_commit_callbacks) is True
    assert len(smtp_server.messages) == 1


def test_weekly_digest_once_per_iso_week(user, smtp_server, django_capture_on_commit_callbacks):
    opt_in(user, "weekly")
    notify(user, "mon", at(days=-2))  # Monday
    assert digest(user, at(), django_capture_on_commit_callbacks) is True
    notify(user, "thu", at(days=1))
    for day in (1, 2, 4):  # Thursday, Friday, Sunday: the same week
        assert digest(user, at(days=day, hours=1), django_capture_on_commit_callbacks) is False
    assert digest(user, at(days=5), django_capture_on_commit_callbacks) is True  # Monday
    messages = smtp_server.messages
    assert len(messages) == 2
    assert "wekelijkse overzicht" in messages[0]["message"].get_content()
    assert "Verzoek thu" in messages[1]["message"].get_content()
    assert "Verzoek mon" not in messages[1]["message"].get_content()


def test_opted_out_or_never_chosen_gets_nothing(
    user, make_user, smtp_server, django_capture_on_commit_callbacks
):
    never_chose = make_user(Role.CONTRIBUTOR, "GM0153")
    notify(user, "x", at(hours=-1))
    notify(never_chose, "y", at(hours=-1))
    opt_in(user, "daily")
    opt_in(user, "never")
    gone = make_user(Role.CONTRIBUTOR, "GM0988", is_active=False)
    opt_in(gone, "daily")
    notify(gone, "z", at(hours=-1))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_due_digests(at()) == 0
    assert smtp_server.messages == []
    assert OutgoingEmail.objects.count() == 0


def test_pass_sends_to_the_due_only_and_not_before_the_digest_hour(
    user, make_user, smtp_server, django_capture_on_commit_callbacks
):
    weekly = make_user(Role.CONTRIBUTOR, "GM0988")
    opt_in(user, "daily")
    opt_in(weekly, "weekly")
    notify(user, "u", at(hours=-3))
    notify(weekly, "w", at(hours=-3))
    DigestPreference.objects.filter(user=weekly).update(last_digest_at=at(days=-2))  # Monday
    early = at().replace(hour=5)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_due_digests(early) == 0  # before 07:00 site time
        assert services.send_due_digests(at()) == 1
        assert services.send_due_digests(at(hours=1)) == 0
    assert [m["to"] for m in smtp_server.messages] == [[user.email]]


def test_english_when_chosen_in_english(user, smtp_server, django_capture_on_commit_callbacks):
    opt_in(user, "daily", language="en")
    notify(user, "e", at(hours=-1), "Samenwerking met Dalian")
    assert digest(user, at(), django_capture_on_commit_callbacks) is True
    message = smtp_server.messages[0]["message"]
    assert message["Subject"] == "Kennisschakel: 1 new notification"
    body = message.get_content()
    assert body.startswith("Hello Esther,")
    assert "Gemeente Weert asks your organisation for an introduction: Samenwerking" in body


def test_the_first_weekly_digest_says_it_is_the_first_in_dutch_and_english(
    user, make_user, smtp_server, django_capture_on_commit_callbacks
):
    opt_in(user, "weekly")
    other = make_user(Role.COORDINATOR, "GM0153", email="en@enschede.test", full_name="Ann Lee")
    opt_in(other, "weekly", language="en")
    for person in (user, other):
        notify(person, f"w{person.pk}", at(days=-2))
        assert digest(person, at(), django_capture_on_commit_callbacks) is True
    dutch, english = (m["message"].get_content() for m in smtp_server.messages)
    assert (
        "Dit is uw eerste wekelijkse overzicht. Van de afgelopen week is er 1 nieuwe melding "
        "voor u in Kennisschakel:" in dutch
    )
    assert (
        "This is your first weekly digest. In the past week there is 1 new notification for "
        "you in Kennisschakel:" in english
    )
    assert "vorige" not in dutch and "Since your last" not in english
    # The next week's digest speaks of the previous one again.
    notify(user, "next", at(days=5, hours=-1))
    assert digest(user, at(days=5), django_capture_on_commit_callbacks) is True
    assert (
        "Sinds uw vorige wekelijkse overzicht" in smtp_server.messages[2]["message"].get_content()
    )


def test_many_items_are_cut_with_a_count_of_the_rest(
    user, smtp_server, django_capture_on_commit_callbacks
):
    opt_in(user, "daily")
    for n in range(services.DIGEST_ROWS + 3):
        notify(user, f"n{n}", at(hours=-5, days=0) + datetime.timedelta(minutes=n))
    assert digest(user, at(), django_capture_on_commit_callbacks) is True
    message = smtp_server.messages[0]["message"]
    assert message["Subject"] == f"Kennisschakel: {services.DIGEST_ROWS + 3} nieuwe meldingen"
    assert "En nog 3." in message.get_content()


# ------------------------------------------------------------------ the worker's pass


def test_pass_is_planned_after_the_outbox_sweep_and_plans_the_next(
    user, smtp_server, settings, django_capture_on_commit_callbacks
):
    from kennisschakel.core.background.tasks import sweep_outbox

    settings.KENNISSCHAKEL_DIGEST_HOUR = 0  # the real clock decides when this runs
    sweep_outbox.enqueue()
    run_queued_tasks()
    planned = DBTaskResult.objects.get(
        task_path=tasks.send_digests.module_path, status=TaskResultStatus.READY
    )
    assert planned.run_after > planned.enqueued_at  # later, never ready at once
    assert planned.run_after.minute == 0 and planned.run_after.second == 0
    assert tasks.schedule_digests() is False  # one waiting is enough

    opt_in(user, "daily")
    from django.utils import timezone

    notify(user, "real", timezone.now() - datetime.timedelta(minutes=5))
    DBTaskResult.objects.filter(pk=planned.pk).update(run_after=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        run_queued_tasks(["email"])
    assert len(smtp_server.messages) == 1
    assert DBTaskResult.objects.get(pk=planned.pk).status == TaskResultStatus.SUCCESSFUL
    assert DBTaskResult.objects.filter(
        task_path=tasks.send_digests.module_path, status=TaskResultStatus.READY
    ).exists()  # the next pass


# ------------------------------------------------------------------ concurrency


def test_two_workers_never_send_the_same_digest_twice(committed_db, make_user, smtp_server):
    """Real threads, real commits: four passes at the same moment, one email."""
    person = make_user(Role.COORDINATOR, "GM0153", full_name="Esther Jansen")
    opt_in(person, "daily")
    notify(person, "r1", at(hours=-2))
    notify(person, "r2", at(hours=-1))

    outcomes = run_in_threads(services.send_digest, [(person.pk, at())] * 4)
    assert errors(outcomes) == []
    assert sorted(outcome.value for outcome in outcomes) == [False, False, False, True]
    assert OutgoingEmail.objects.count() == 1
    assert len(smtp_server.messages) == 1

    # Whole passes at once, the next day: again exactly one.
    notify(person, "r3", at(days=1, hours=-1))
    outcomes = run_in_threads(services.send_due_digests, [(at(days=1),)] * 3)
    assert errors(outcomes) == []
    assert sum(outcome.value for outcome in outcomes) == 1
    assert len(smtp_server.messages) == 2
