"""Asking for a new generation of the match index.

The modules that keep the index current (``match_index`` when the database went back or
no saved index exists, ``index_changes`` every :func:`rebuild_every` changes) are
themselves run by the tasks (``tasks`` → ``followup`` → ``services`` → ``match_index``),
so they cannot import the rebuild task. They send :data:`rebuild_wanted` once the
transaction commits; ``scheduling.py`` (connected in ``MatchingConfig.ready``) queues it.
"""

from django.conf import settings
from django.db import transaction
from django.dispatch import Signal

DEFAULT_REBUILD_EVERY = 500

#: Sent after commit when the match index should be rebuilt on the "index" queue.
rebuild_wanted = Signal()


def rebuild_every() -> int:
    return int(getattr(settings, "KENNISSCHAKEL_MATCH_INDEX_REBUILD_EVERY", DEFAULT_REBUILD_EVERY))


def enqueue_rebuild() -> None:
    """Queue a rebuild on the "index" queue, after the current transaction commits."""
    transaction.on_commit(_send)


def _send() -> None:
    rebuild_wanted.send(sender=enqueue_rebuild)
