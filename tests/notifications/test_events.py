"""Each event that Mijn Kennisschakel shows as waiting creates one notification per user
of the receiving organisation: never for the person who acted, never for another
municipality, only after the event's transaction commits, and once per event."""

import pytest
from django.db import transaction
from django.urls import reverse

from kennisschakel.accounts.models import Role
from kennisschakel.knowledge.services import record_adoption
from kennisschakel.matching import services as matching
from kennisschakel.monitor import schedule
from kennisschakel.monitor import services as monitor
from kennisschakel.monitor.models import Wave
from kennisschakel.notifications.models import Kind, Notification
from kennisschakel.partnerships import services as ledger
from tests.notifications.helpers import exchange, introduction, kinds_of, org, practice, wave

pytestmark = pytest.mark.django_db


@pytest.fixture
def enschede(make_user):
    """Three people of Enschede (every role sees its organisation's notifications) and a
    former colleague whose account is no longer active."""
    return {
        "coordinator": make_user(Role.COORDINATOR, "GM0153"),
        "contributor": make_user(Role.CONTRIBUTOR, "GM0153"),
        "reader": make_user(Role.READER, "GM0153"),
        "gone": make_user(Role.CONTRIBUTOR, "GM0153", email="weg@enschede.test", is_active=False),
    }


@pytest.fixture
def outsider(make_user):
    return make_user(Role.COORDINATOR, "GM0086")  # another municipality


def test_introduction_request_notifies_each_user_of_the_organisation_asked(
    enschede, weert_contributor, outsider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        asked = introduction(weert_contributor)
    for person in ("coordinator", "contributor", "reader"):
        notification = Notification.objects.get(user=enschede[person])
        assert notification.kind == Kind.INTRODUCTION_REQUESTED
        assert notification.url == asked.get_absolute_url()
        assert notification.subject == asked.subject
        assert notification.actor == str(weert_contributor.organisation)
        assert notification.read_at is None
    assert kinds_of(enschede["gone"]) == []
    assert kinds_of(weert_contributor) == []  # the asker is not told what they did
    assert kinds_of(outsider) == []  # another municipality never sees it


def test_nothing_before_commit_and_nothing_after_a_rollback(
    enschede, weert_contributor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        introduction(weert_contributor)
    assert Notification.objects.count() == 0  # not yet: the event has not committed
    assert callbacks

    class Undo(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(Undo),
        transaction.atomic(),
    ):
        introduction(weert_contributor, "GM0363")
        raise Undo
    assert Notification.objects.count() == 0


def test_answer_notifies_the_asking_organisation_not_the_answerer(
    enschede, weert_contributor, make_user, outsider, django_capture_on_commit_callbacks
):
    weert_colleague = make_user(Role.READER, "GM0988")
    asked = introduction(weert_contributor)
    with django_capture_on_commit_callbacks(execute=True):
        matching.answer_introduction(asked, enschede["coordinator"], accept=True)
    assert kinds_of(weert_contributor) == [Kind.INTRODUCTION_ACCEPTED]
    assert kinds_of(weert_colleague) == [Kind.INTRODUCTION_ACCEPTED]
    assert Notification.objects.get(user=weert_contributor).actor == str(org("GM0153"))
    assert kinds_of(enschede["coordinator"]) == []
    assert kinds_of(outsider) == []


def test_declined_introduction_says_declined(
    enschede, weert_contributor, django_capture_on_commit_callbacks
):
    asked = introduction(weert_contributor)
    with django_capture_on_commit_callbacks(execute=True):
        matching.answer_introduction(asked, enschede["contributor"], accept=False)
    assert kinds_of(weert_contributor) == [Kind.INTRODUCTION_DECLINED]


def test_exchange_to_confirm_notifies_the_other_side_and_again_after_an_edit(
    enschede, weert_contributor, outsider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        activity = exchange(weert_contributor)
    assert kinds_of(enschede["coordinator"]) == [Kind.EXCHANGE_TO_CONFIRM]
    assert Notification.objects.get(user=enschede["coordinator"]).url == (
        activity.get_absolute_url()
    )
    assert kinds_of(weert_contributor) == [] and kinds_of(outsider) == []

    sides = [ledger.side_input_of(side) for side in activity.sides.all()]
    with django_capture_on_commit_callbacks(execute=True):
        ledger.update_activity(
            activity, {"title": "Werkbezoek afvalbeleid (verslag)"}, sides, user=weert_contributor
        )
    # Changed by the logging side: the other side is asked to confirm again.
    assert kinds_of(enschede["coordinator"]) == [Kind.EXCHANGE_TO_CONFIRM] * 2
    assert kinds_of(weert_contributor) == []


def test_exchange_from_the_sources_notifies_nobody(enschede, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ledger.log_activity(
            {"title": "Uit de bronnen", "form": "bijeenkomst", "year": 2010},
            [
                ledger.SideInput(ledger.parse_party("GM0988"), "gave"),
                ledger.SideInput(ledger.parse_party("GM0153"), "received"),
            ],
        )
    assert Notification.objects.count() == 0  # confirmed already: nothing to confirm


def test_partnership_proposal_notifies_the_proposed_organisation(
    enschede, weert_contributor, outsider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        partnership = ledger.create_partnership(
            {"name": "Weert – Enschede proef", "kind": "stedenband"},
            [ledger.parse_party("GM0988"), ledger.parse_party("GM0153")],
            user=weert_contributor,
        )
    notification = Notification.objects.get(user=enschede["reader"])
    assert notification.kind == Kind.PARTNERSHIP_PROPOSED
    assert notification.url == partnership.get_absolute_url()
    assert kinds_of(weert_contributor) == [] and kinds_of(outsider) == []


def test_adoption_notifies_owner_and_co_owners_once_per_outcome(
    enschede, weert_contributor, make_user, outsider, django_capture_on_commit_callbacks
):
    shared = practice("GM0153")
    shared.co_owners.add(org("GM0637"))
    zoetermeer = make_user(Role.CONTRIBUTOR, "GM0637")
    with django_capture_on_commit_callbacks(execute=True):
        record_adoption(shared, weert_contributor.organisation, weert_contributor, "overgenomen")
    assert kinds_of(enschede["contributor"]) == [Kind.ADOPTION_REPORTED]
    assert kinds_of(zoetermeer) == [Kind.ADOPTION_REPORTED]
    assert Notification.objects.get(user=zoetermeer).url == shared.get_absolute_url() + (
        "#adoptions"
    )
    with django_capture_on_commit_callbacks(execute=True):  # the same report again: no news
        record_adoption(shared, weert_contributor.organisation, weert_contributor, "overgenomen")
    assert kinds_of(zoetermeer) == [Kind.ADOPTION_REPORTED]
    with django_capture_on_commit_callbacks(execute=True):  # a changed outcome is news
        record_adoption(shared, weert_contributor.organisation, weert_contributor, "afgezien")
    assert kinds_of(zoetermeer) == [Kind.ADOPTION_REPORTED] * 2
    assert kinds_of(weert_contributor) == [] and kinds_of(outsider) == []


def test_monitor_wave_invites_and_then_has_results_once(
    enschede, facilitator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        opened = wave()
    invitation = Notification.objects.get(user=enschede["reader"])
    assert invitation.kind == Kind.MONITOR_INVITATION
    assert invitation.url == reverse("monitor:answer-start", args=[opened.slug])
    assert kinds_of(facilitator) == []  # not a municipality: not invited

    with django_capture_on_commit_callbacks(execute=True):
        monitor.close_wave(opened)
    assert kinds_of(enschede["reader"]) == [Kind.MONITOR_INVITATION, Kind.MONITOR_RESULTS]
    results = Notification.objects.get(user=enschede["reader"], kind=Kind.MONITOR_RESULTS)
    assert results.url == reverse("monitor:where-we-stand", args=[opened.slug])
    # Announcing again, or saving the wave, is no news.
    with django_capture_on_commit_callbacks(execute=True):
        fresh = Wave.objects.get(pk=opened.pk)
        assert schedule.announce_status(fresh) is None
        fresh.closed_announced_at = None  # even a lost marker: the key makes it a no-op
        monitor.notify_wave(fresh, Wave.Status.CLOSED)
        opened.title = "Andere titel"
        opened.save()
    assert kinds_of(enschede["reader"]) == [Kind.MONITOR_INVITATION, Kind.MONITOR_RESULTS]


def test_a_draft_wave_notifies_nobody(enschede, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        wave("gib-concept", opens_in_days=7)
    assert Notification.objects.count() == 0
