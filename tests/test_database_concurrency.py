"""The embedded SQLite default under concurrent writers (issue 10, A6).

WAL lets readers and one writer work at once; the busy timeout makes writers queue
instead of failing with "database is locked"; IMMEDIATE transactions take the write
lock at BEGIN, so a read-modify-write never fails half-way when it upgrades its lock
(and select_for_update, a no-op on SQLite, is not needed to serialise it). Each test
also runs on PostgreSQL, where the same work must succeed just as well.
"""

import pytest
from django.conf import settings
from django.db import connection, transaction

from kennisschakel.knowledge.models import Practice
from kennisschakel.knowledge.services import save_practice
from kennisschakel.register.models import Municipality, Organisation
from tests.concurrency import errors, run_in_threads

WRITERS = 20
# Not connection.vendor: touching the connection at import time would open it before the
# test database exists.
SQLITE = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")


def create_practice(index: int) -> int:
    owner = Organisation.objects.get(slug="gm0153")
    practice = Practice(
        title=f"Gelijktijdig vastgelegde praktijk {index}",
        summary=f"Praktijk {index}, vastgelegd door een van vele gelijktijdige schrijvers.",
        owner=owner,
        status=Practice.Status.PUBLISHED,
    )
    return save_practice(practice, None).pk


def read_practices(_index: int) -> int:
    return len(list(Practice.objects.filter(status=Practice.Status.PUBLISHED).values("slug")))


@pytest.mark.skipif(not SQLITE, reason="SQLite connection settings")
def test_sqlite_connections_use_wal_a_busy_timeout_and_immediate_transactions(committed_db):
    with connection.cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] == 20_000
        assert cursor.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert connection.transaction_mode == "IMMEDIATE"


def test_twenty_concurrent_practice_creations_are_all_kept(committed_db):
    before = Practice.objects.count()

    outcomes = run_in_threads(create_practice, [(i,) for i in range(WRITERS)])

    assert errors(outcomes) == []
    assert Practice.objects.count() == before + WRITERS
    assert len({outcome.value for outcome in outcomes}) == WRITERS


def test_forty_concurrent_writes_mixed_with_reads(committed_db):
    before = Practice.objects.count()
    calls = [(create_practice, i) for i in range(40)] + [(read_practices, i) for i in range(20)]

    outcomes = run_in_threads(lambda work, index: work(index), calls)

    assert errors(outcomes) == []
    assert Practice.objects.count() == before + 40


def test_concurrent_read_modify_writes_are_serialised(committed_db):
    """20 increments of one counter in atomic blocks: none lost, none failed."""
    code = "GM0153"
    start = Municipality.objects.get(cbs_code=code).inhabitants

    def increment(_index):
        with transaction.atomic():
            municipality = Municipality.objects.select_for_update().get(cbs_code=code)
            municipality.inhabitants += 1
            municipality.save(update_fields=["inhabitants"])

    outcomes = run_in_threads(increment, [(i,) for i in range(WRITERS)])

    assert errors(outcomes) == []
    assert Municipality.objects.get(cbs_code=code).inhabitants == start + WRITERS
