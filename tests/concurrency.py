"""Run the same piece of work from many real threads at once.

Concurrency tests need commits that other threads can see, so they use the
``committed_db`` fixture (tests/conftest.py) rather than ``db``: no transaction
wraps the test, and the seeded database is restored afterwards.

    outcomes = run_in_threads(save_answer, [(code, value) for ...])
    assert errors(outcomes) == []

Every thread waits at a barrier so that all start together, and closes its own
database connections when done (Django opens one connection per thread).
"""

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections


@dataclass
class Outcome:
    """What one thread's call returned, or the exception it raised."""

    value: Any = None
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def run_in_threads(
    target: Callable[..., Any], calls: Iterable[Sequence[Any]], timeout: float = 120
) -> list[Outcome]:
    """Call ``target(*args)`` for every ``args`` in ``calls``, each in its own thread, at once.

    Returns one Outcome per call, in the order of ``calls``.
    """
    calls = [tuple(args) for args in calls]
    barrier = threading.Barrier(len(calls))
    outcomes = [Outcome() for _ in calls]

    def work(index: int, args: tuple) -> None:
        try:
            barrier.wait(timeout=timeout)
            outcomes[index].value = target(*args)
        except BaseException as exc:  # noqa: BLE001 (the test inspects every failure)
            outcomes[index].error = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i, args)) for i, args in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    if any(thread.is_alive() for thread in threads):
        raise TimeoutError(f"threads still running after {timeout} s")
    return outcomes


def errors(outcomes: list[Outcome]) -> list[BaseException]:
    """The exceptions raised, for an ``assert errors(outcomes) == []`` that names them."""
    return [outcome.error for outcome in outcomes if outcome.error is not None]
