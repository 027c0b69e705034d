"""An accepted introduction as the start of a logged exchange (registered with
``partnerships.activity_sources`` in ``MatchingConfig.ready``): the exchange form at
``?introduction=<pk>`` starts from the introduction's parties, topic and question.

Lives here, not in partnerships, because the ledger must not import the matcher."""

import datetime

from kennisschakel.matching.models import Introduction
from kennisschakel.partnerships.forms import party_name
from kennisschakel.partnerships.models import ActivitySide


def introduction_of(request, organisation):
    """The accepted introduction named by ?introduction= (GET) or the form (POST), when
    the user's organisation is one of its sides; else None (nothing about it shows)."""
    value = request.POST.get("introduction") or request.GET.get("introduction") or ""
    if not value.isdigit() or len(value) > 18:
        return None
    introduction = (
        Introduction.objects.select_related(
            "asker__municipality", "recipient__municipality", "question"
        )
        .filter(pk=int(value), status=Introduction.Status.ACCEPTED)
        .first()
    )
    if introduction is None or organisation.pk not in (
        introduction.asker_id,
        introduction.recipient_id,
    ):
        return None
    return introduction


def introduction_initial(introduction, organisation) -> dict:
    """What an accepted introduction already tells the exchange form: the other party,
    the topic as title, today as date; the asking side receives knowledge and the asked
    side gives it, and the question's text is what the asker wants to learn.

    Empty unless the introduction is accepted and ``organisation`` is one of its sides
    (another organisation learns nothing about it from the form)."""
    if introduction is None or introduction.status != Introduction.Status.ACCEPTED:
        return {}
    if organisation is None or organisation.pk not in (
        introduction.asker_id,
        introduction.recipient_id,
    ):
        return {}
    asking = organisation.pk == introduction.asker_id
    other = introduction.recipient if asking else introduction.asker
    Direction = ActivitySide.Direction
    initial = {
        "title": introduction.subject[:200],
        "start_date": datetime.date.today(),
        "other_party": party_name(other),
        "own_direction": Direction.RECEIVED if asking else Direction.GAVE,
        "other_direction": Direction.GAVE if asking else Direction.RECEIVED,
    }
    question = introduction.question
    if question is not None:
        if asking and question.text:
            initial["learning_goals"] = question.text
        if len(question.forms or []) == 1:
            initial["form"] = question.forms[0]
    return initial


def register() -> None:
    from kennisschakel.partnerships import activity_sources

    activity_sources.register_source("introduction", introduction_of, introduction_initial)
