"""A municipality's and an organisation's page, from matchmaking: its knowledge questions
and its offers (registered in ``MatchingConfig.ready``; see core/party_sections.py).

Everyone sees what the list of questions shows everyone (``views.question_list``): open
questions and questions in conversation, and offers still on offer. The organisation's
own people and facilitators see the answered, closed and withdrawn ones too. Two queries.
"""

from kennisschakel.core.party_sections import Shown, organisation_of, register_section
from kennisschakel.matching.models import Offer, Question

ROWS = 10  # per list; the link to the full list leads to the rest


def _sees_all(user, organisation) -> bool:
    if not (user and user.is_authenticated):
        return False
    return bool(getattr(user, "is_facilitator", False) or user.organisation_id == organisation.pk)


def questions_section(request, party) -> Shown:
    organisation = organisation_of(party)
    sees_all = _sees_all(request.user, organisation)
    questions = Question.objects.filter(organisation=organisation)
    offers = Offer.objects.filter(organisation=organisation)
    if not sees_all:
        questions = questions.filter(
            status__in=[Question.Status.OPEN, Question.Status.IN_CONVERSATION]
        )
        offers = offers.filter(active=True)
    return Shown(
        template="matching/_party_section.html",
        context={
            "questions": list(questions.order_by("-created_at", "-pk")[:ROWS]),
            "offers": list(offers.order_by("-created_at", "-pk")[:ROWS]),
            "own": bool(
                request.user.is_authenticated and request.user.organisation_id == organisation.pk
            ),
            "rows": ROWS,
        },
    )


def register_sections() -> None:
    register_section("questions", 20, questions_section)
