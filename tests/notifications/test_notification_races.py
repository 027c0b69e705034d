"""The same event notified from several threads at once (a job run twice, two workers, a
retried request): the unique (user, key) constraint plus ``ignore_conflicts`` leave
exactly one row per user and event, and no thread sees an error. Real threads and real
commits (committed_db), on SQLite and PostgreSQL alike."""

import logging
import time

import pytest
from django.db import transaction

from kennisschakel.accounts.models import Role, User
from kennisschakel.notifications import services
from kennisschakel.notifications.models import Kind, Notification
from kennisschakel.register.models import Municipality
from tests.concurrency import errors, run_in_threads

THREADS = 4
EVENT = {
    "kind": Kind.INTRODUCTION_REQUESTED.value,
    "key": "introduction:999:requested",
    "subject": "Samenwerking met Dalian",
    "url": "/introducties/999/",
    "actor": "Gemeente Weert",
}


@pytest.fixture
def enschede(committed_db, make_user):
    """Enschede with three more people; everyone active there is notified (the demo's
    coordinator too)."""
    for role in (Role.COORDINATOR, Role.CONTRIBUTOR, Role.READER):
        make_user(role, "GM0153")
    organisation = Municipality.objects.get(cbs_code="GM0153").organisation
    people = list(User.objects.filter(organisation=organisation, is_active=True).order_by("pk"))
    assert len(people) >= 3
    return organisation, people


def _write_and_hold(organisation_id: int) -> int:
    """Write the rows, then keep the transaction open a moment: the other threads' inserts
    of the same (user, key) meet an uncommitted row (PostgreSQL waits on the unique index,
    SQLite on the write lock) and must end as 'already there', not as an error."""
    with transaction.atomic():
        addressed = services.create_for([organisation_id], None, **EVENT)
        time.sleep(0.2)
    return addressed


def test_threads_writing_the_same_event_leave_one_row_per_user(enschede):
    organisation, people = enschede
    outcomes = run_in_threads(_write_and_hold, [(organisation.pk,)] * THREADS)
    assert errors(outcomes) == []
    assert [outcome.value for outcome in outcomes] == [len(people)] * THREADS
    rows = Notification.objects.filter(key=EVENT["key"])
    assert sorted(rows.values_list("user_id", flat=True)) == sorted(p.pk for p in people)


def _notify_in_a_transaction(organisation_id: int, actor_id: int) -> None:
    # As the services call it: inside the event's transaction, rows written after commit.
    with transaction.atomic():
        services.notify(
            EVENT["kind"],
            [organisation_id],
            key=EVENT["key"],
            subject=EVENT["subject"],
            url=EVENT["url"],
            actor=EVENT["actor"],
            exclude_user=actor_id,
        )


def test_notify_from_threads_at_once_surfaces_no_error(enschede, caplog):
    organisation, people = enschede
    acting = people[0]
    with caplog.at_level(logging.ERROR):
        outcomes = run_in_threads(
            _notify_in_a_transaction, [(organisation.pk, acting.pk)] * THREADS
        )
    assert errors(outcomes) == []
    # notify() runs its writes as robust on_commit callbacks, which would only log a
    # failure: nothing may have been logged either.
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    rows = Notification.objects.filter(key=EVENT["key"])
    assert sorted(rows.values_list("user_id", flat=True)) == sorted(p.pk for p in people[1:])
    assert rows.count() == len(people) - 1  # never the person who acted
