"""The test infrastructure for real commits: threads see each other's writes, and
the seeded database comes back afterwards (tests/conftest.py, tests/concurrency.py).

The second test relies on running after the first (pytest keeps file order): it
proves that what the first committed was undone.
"""

from kennisschakel.register.models import Municipality, Organisation
from tests.concurrency import errors, run_in_threads

SLUG = "committed-by-a-thread"


def test_threads_commit_and_see_each_others_writes(committed_db):
    def create(index):
        Organisation.objects.create(slug=f"{SLUG}-{index}", name=f"Thread {index}")

    outcomes = run_in_threads(create, [(i,) for i in range(8)])

    assert errors(outcomes) == []
    assert Organisation.objects.filter(slug__startswith=SLUG).count() == 8


def test_the_seeded_database_is_back_after_committed_writes(db):
    assert not Organisation.objects.filter(slug__startswith=SLUG).exists()
    assert Municipality.objects.count() == 342
