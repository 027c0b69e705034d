"""Work done once, before the web server forks its workers, so that all of them share it.

`kennisschakel serve` (operations/server.py) preloads the application in the gunicorn
master and then runs every warm-up registered here: opening the persisted search and
match indexes, filling caches that never change while the process lives. The workers
forked afterwards share those memory pages and answer their first request warm.

A warm-up must only read (the master serves no requests and holds no locks), must not
start threads (they do not survive the fork), and may use the database: the master
closes its connections before forking. A warm-up that fails is logged and skipped: a
cold worker is slower, not wrong.
"""

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

WarmUp = Callable[[], None]

_WARMUPS: dict[str, WarmUp] = {}


def register(name: str) -> Callable[[WarmUp], WarmUp]:
    def decorate(warmup: WarmUp) -> WarmUp:
        _WARMUPS[name] = warmup
        return warmup

    return decorate


def registered() -> dict[str, WarmUp]:
    return dict(_WARMUPS)


def run_all() -> dict[str, bool]:
    """Run every warm-up; which ones succeeded."""
    done: dict[str, bool] = {}
    for name, warmup in _WARMUPS.items():
        try:
            warmup()
        except Exception:  # a failed warm-up must never keep the site from starting
            logger.exception("Warm-up %r failed; workers will do that work themselves.", name)
            done[name] = False
        else:
            done[name] = True
    return done
