"""The test infrastructure for real commits: threads see each other's writes, and
the seeded database comes back afterwards (tests/conftest.py, tests/concurrency.py).

pytest-django runs tests that commit after the others, in file order among
themselves: the third test proves that what the first one committed was undone
by the hook between them.
"""

import tests.conftest as conftest
from kennisschakel.register.models import Municipality, Organisation
from tests.concurrency import errors, run_in_threads

SLUG = "committed-by-a-thread"


def create_in_threads(count):
    def create(index):
        Organisation.objects.create(slug=f"{SLUG}-{index}", name=f"Thread {index}")

    return run_in_threads(create, [(i,) for i in range(count)])


def test_threads_commit_and_see_each_others_writes(committed_db):
    outcomes = create_in_threads(8)

    assert errors(outcomes) == []
    assert Organisation.objects.filter(slug__startswith=SLUG).count() == 8


def test_restoring_the_snapshot_undoes_committed_writes(committed_db):
    create_in_threads(3)
    Municipality.objects.filter(cbs_code="GM0153").delete()

    conftest._snapshot.restore()

    assert not Organisation.objects.filter(slug__startswith=SLUG).exists()
    assert Municipality.objects.count() == 342
    # Left behind on purpose: the hook after this test must remove it.
    Municipality.objects.filter(cbs_code="GM0153").delete()


def test_the_next_committing_test_starts_from_the_seeded_database(committed_db):
    assert not Organisation.objects.filter(slug__startswith=SLUG).exists()
    assert Municipality.objects.filter(cbs_code="GM0153").exists()
