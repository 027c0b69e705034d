"""Saved questions followed up: the matcher runs again in the background, and the asking
organisation sees which suggestions are new since its last visit to the question.

* **The pass** (:func:`refresh_open_questions`, task ``refresh_question_suggestions`` on
  the "index" queue; never in a web request) matches every open question whose
  suggestions were computed from another state of the matcher than the current one
  (``match_index.basis()``: generation and change number, so a rebuild or any logged
  change to practices, offers, organisations, partnerships … makes it due) and stores
  the keys of its :data:`TOP` best suggestions (``SuggestionState.current``). Planned
  shortly after every rebuild of the match index, and at least every 15 minutes
  (``scheduling.py``).
* **Seen**: when someone of the asking organisation opens the question's page,
  :func:`mark_seen` adds what the page shows, and the pass's current keys, to ``seen``
  and returns which shown ones are new since the previous visit (marked "nieuw").
* ``new_count``: current keys not seen, counted only once the page has been opened
  (the first visit shows them all anyway). Mijn Kennisschakel lists questions with one.

Both writes lock the state row (``select_for_update``; SQLite: the IMMEDIATE
transaction) for their read-modify-write, so a pass and a page view at the same moment
never lose each other's update. When a pass finds suggestions the asker has neither
seen nor been told of, the organisation is notified once for that pass (after commit).
"""

import hashlib
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation

from kennisschakel.matching import match_index, services
from kennisschakel.matching.models import Question, SuggestionState
from kennisschakel.notifications import services as notifications
from kennisschakel.notifications.models import Kind

logger = logging.getLogger(__name__)

TOP = 10  # suggestions followed per question: what its page shows
SEEN_KEEP = 200  # seen keys kept per question (the oldest are dropped)
OPEN = [Question.Status.OPEN, Question.Status.IN_CONVERSATION]


def _locked(question_id: int) -> SuggestionState:
    """The question's state row, locked until the transaction ends (created if absent)."""
    state = SuggestionState.objects.select_for_update().filter(pk=question_id).first()
    if state is None:
        try:
            with transaction.atomic():  # a savepoint: a parallel first write may win
                SuggestionState.objects.create(question_id=question_id)
        except IntegrityError:
            pass
        state = SuggestionState.objects.select_for_update().get(pk=question_id)
    return state


def _new_count(current: list[str], seen: list[str], seen_at) -> int:
    if seen_at is None:
        return 0
    known = set(seen)
    return sum(1 for key in current if key not in known)


# --------------------------------------------------------------------------- writes


def store_current(question: Question, keys: list[str], basis: str, now=None) -> list[str]:
    """Store a pass's suggestion keys for ``question``; returns the keys that are new to
    the asker and were not counted before (the organisation is notified of those)."""
    now = now or timezone.now()
    keys = list(dict.fromkeys(keys))
    with transaction.atomic():
        state = _locked(question.pk)
        fresh = []
        if state.seen_at is not None:
            told = set(state.seen) | set(state.current)
            fresh = [key for key in keys if key not in told]
        state.current = keys
        state.new_count = _new_count(keys, state.seen, state.seen_at)
        state.basis = basis
        state.refreshed_at = now
        state.save(update_fields=["current", "new_count", "basis", "refreshed_at"])
        if fresh:
            digest = hashlib.sha256(basis.encode()).hexdigest()[:16]
            notifications.notify(  # after commit, once per question and pass
                Kind.NEW_SUGGESTIONS,
                [question.organisation_id],
                key=f"question:{question.pk}:suggestions:{digest}",
                subject=question.title,
                url=question.get_absolute_url(),
            )
    return fresh


def mark_seen(question: Question, shown: list[str], now=None) -> set[str]:
    """Record that the asking organisation saw ``shown`` (the page's suggestion keys);
    returns those that are new since its previous visit (none on the first visit)."""
    now = now or timezone.now()
    with transaction.atomic():
        state = _locked(question.pk)
        seen = list(state.seen)
        known = set(seen)
        new = {key for key in shown if key not in known} if state.seen_at is not None else set()
        # The pass's keys too: after a visit the question has nothing left to announce.
        for key in [*shown, *state.current]:
            if key not in known:
                seen.append(key)
                known.add(key)
        state.seen = seen[-SEEN_KEEP:]
        state.seen_at = now
        state.new_count = _new_count(state.current, state.seen, now)
        state.save(update_fields=["seen", "seen_at", "new_count"])
    return new


# --------------------------------------------------------------------------- the pass


def due_questions(basis: str):
    """Open questions whose suggestions were not computed from ``basis``; the least
    recently refreshed (never first)."""
    return (
        Question.objects.filter(status__in=OPEN)
        .exclude(suggestion_state__basis=basis)
        .order_by(F("suggestion_state__refreshed_at").asc(nulls_first=True), "pk")
    )


def _in_chunks(ids: list[int], size: int = 100):
    """The questions, a chunk at a time (a few queries per chunk, none per question)."""
    for start in range(0, len(ids), size):
        chunk = ids[start : start + size]
        found = (
            Question.objects.filter(pk__in=chunk)
            .select_related("organisation__municipality")
            .prefetch_related("countries", "regions")
            .in_bulk()
        )
        yield from (found[pk] for pk in chunk if pk in found)


def refresh_open_questions(limit: int | None = None) -> dict:
    """One pass: match each due open question again and store its top keys."""
    done = notified = failed = 0
    # The worker's language, not a visitor's: an English page translates the question.
    with translation.override(settings.LANGUAGE_CODE):
        match_index.current_matcher()
        basis = match_index.basis()
        ids = list(due_questions(basis).values_list("pk", flat=True)[:limit])
        for question in _in_chunks(ids):
            try:
                try:
                    keys = [s.key for s in services.question_matches(question, TOP)]
                except ValidationError:
                    keys = []  # a text the matcher no longer accepts: nothing to suggest
                notified += bool(store_current(question, keys, basis))
                done += 1
            except Exception:  # one question must not stop the pass
                logger.exception("could not refresh the suggestions of question %s", question.pk)
                failed += 1
    return {"basis": basis, "questions": done, "notified": notified, "failed": failed}
