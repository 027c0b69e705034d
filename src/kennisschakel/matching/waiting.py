"""Mijn Kennisschakel, from matching: introductions to answer, answers to our requests,
our questions with new suggestions (followup.py), and our questions (registered in
``MatchingConfig.ready``; see core/waiting.py).

The rules are this app's: only the two sides see an introduction (``rules.
may_see_introduction``, the same filter as ``services.introductions_visible_to``), and
only the organisation asked may answer (``rules.may_answer_introduction``).
"""

from django.db.models import Count
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kennisschakel.core.permissions import belongs_to
from kennisschakel.core.waiting import Part, Row, Section, first, register
from kennisschakel.matching.models import Introduction, Question, SuggestionState

OPEN_QUESTION = [Question.Status.OPEN, Question.Status.IN_CONVERSATION]


def _day(moment) -> str:
    return date_format(localtime(moment), "j F Y")


def _incoming(user):
    return Introduction.objects.filter(
        recipient_id=user.organisation_id, status=Introduction.Status.REQUESTED
    )


def _may_answer(user) -> bool:
    # rules.may_answer_introduction for any introduction to the user's organisation.
    return belongs_to(user, user.organisation_id)


def introductions_to_answer(user, since) -> Part:
    rows, total = first(_incoming(user).select_related("asker").order_by("-created_at"))
    may_answer = _may_answer(user)
    return Part(
        rows=[
            Row(
                title=introduction.heading,
                url=introduction.get_absolute_url(),
                detail=_("%(asker)s asked on %(date)s")
                % {"asker": introduction.asker, "date": _day(introduction.created_at)},
                new=bool(since and introduction.created_at > since),
                action=_("Answer the request") if may_answer else "",
            )
            for introduction in rows
        ],
        waiting=total if may_answer else 0,
        total=total,
        more_url=reverse("matching:introduction-list"),
        more_label=_("All introductions"),
        note=""
        if may_answer or not rows
        else _("A contributor or coordinator of your organisation can answer these."),
    )


def count_introductions(user, since) -> int:
    return _incoming(user).count() if _may_answer(user) else 0


def answers_to_our_requests(user, since) -> Part:
    """Requests our organisation sent that the other side answered since the last visit
    (on a first visit: the latest answers, none marked new)."""
    answered = Introduction.objects.filter(
        asker_id=user.organisation_id,
        status__in=[Introduction.Status.ACCEPTED, Introduction.Status.DECLINED],
    ).select_related("recipient")
    if since is not None:
        answered = answered.filter(responded_at__gt=since)
    rows, total = first(answered.order_by("-responded_at"), limit=5)
    labels = {
        Introduction.Status.ACCEPTED: _("%(recipient)s accepted on %(date)s"),
        Introduction.Status.DECLINED: _("%(recipient)s declined on %(date)s"),
    }
    return Part(
        rows=[
            Row(
                title=introduction.heading,
                url=introduction.get_absolute_url(),
                detail=labels[introduction.status]
                % {
                    "recipient": introduction.recipient,
                    "date": _day(introduction.responded_at) if introduction.responded_at else "–",
                },
                new=since is not None,
            )
            for introduction in rows
        ],
        total=total,
    )


def our_questions(user, since) -> Part:
    questions = (
        Question.objects.filter(organisation_id=user.organisation_id, status__in=OPEN_QUESTION)
        .annotate(introduction_count=Count("introductions"))
        .order_by("-created_at")
    )
    rows, total = first(questions)
    return Part(
        rows=[
            Row(
                title=question.heading,
                lang="nl",
                url=question.get_absolute_url(),
                detail=_("%(status)s · %(count)s introductions requested · suggestions on its page")
                % {"status": question.get_status_display(), "count": question.introduction_count},
                new=bool(since and question.created_at > since),
            )
            for question in rows
        ],
        total=total,
        more_url=reverse("matching:question-list") + "?mine=1",
        more_label=_("All questions and offers of your organisation"),
    )


def _with_new_suggestions(user):
    """Our open questions where the background pass found suggestions nobody of our
    organisation has seen yet (matching/followup.py)."""
    return SuggestionState.objects.filter(
        question__organisation_id=user.organisation_id,
        question__status__in=OPEN_QUESTION,
        new_count__gt=0,
    )


def questions_with_new_suggestions(user, since) -> Part:
    states = _with_new_suggestions(user).select_related("question").order_by("-refreshed_at")
    rows, total = first(states)
    return Part(
        rows=[
            Row(
                title=state.question.title,
                lang="nl",
                url=state.question.get_absolute_url() + "#suggestions-heading",
                detail=ngettext(
                    "%(count)s new suggestion since your organisation's previous visit",
                    "%(count)s new suggestions since your organisation's previous visit",
                    state.new_count,
                )
                % {"count": state.new_count},
                new=bool(since and state.refreshed_at and state.refreshed_at > since),
                action=_("See the suggestions"),
            )
            for state in rows
        ],
        waiting=total,
        total=total,
    )


def count_new_suggestions(user, since) -> int:
    return _with_new_suggestions(user).count()


def register_sections() -> None:
    register(
        Section(
            key="introductions",
            order=10,
            title=gettext_lazy("Introductions to answer"),
            empty=gettext_lazy("No municipality is waiting for an answer to an introduction."),
            collect=introductions_to_answer,
            count=count_introductions,
        )
    )
    register(
        Section(
            key="introduction-answers",
            order=15,
            title=gettext_lazy("Answers to your requests for an introduction"),
            empty=gettext_lazy("No new answers to your organisation's requests."),
            collect=answers_to_our_requests,
        )
    )
    register(
        Section(
            key="new-suggestions",
            order=55,
            title=gettext_lazy("Your questions with new suggestions"),
            empty=gettext_lazy("No new suggestions for your organisation's open questions."),
            collect=questions_with_new_suggestions,
            count=count_new_suggestions,
        )
    )
    register(
        Section(
            key="questions",
            order=60,
            title=gettext_lazy("Your questions"),
            empty=gettext_lazy(
                "Your organisation has no open questions. Ask one under “Find help”."
            ),
            collect=our_questions,
        )
    )
