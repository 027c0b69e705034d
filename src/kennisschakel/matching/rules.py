"""Who may change questions, offers and introductions (see kennisschakel.core.permissions).

Pages, API and services all ask these functions, so a door refused on the site is
refused in the API too.
"""

from django.utils.translation import gettext as _

from kennisschakel.accounts.models import Role
from kennisschakel.core.permissions import (
    allow_create,
    belongs_to,
    can_create,
    can_edit,
    edit_rule,
)
from kennisschakel.matching.models import Introduction, Offer, Question

allow_create(Question, {Role.CONTRIBUTOR, Role.COORDINATOR})
allow_create(Offer, {Role.CONTRIBUTOR, Role.COORDINATOR})
allow_create(Introduction, {Role.CONTRIBUTOR, Role.COORDINATOR})


@edit_rule(Question)
def edit_question(user, question) -> bool:
    return belongs_to(user, question.organisation_id)


@edit_rule(Offer)
def edit_offer(user, offer) -> bool:
    return belongs_to(user, offer.organisation_id)


def is_asker(user, question: Question) -> bool:
    """Someone of the organisation that asked (any role): its visits mark the question's
    suggestions seen, and only it is told of new ones (followup.py)."""
    return bool(
        user
        and user.is_authenticated
        and user.organisation_id
        and user.organisation_id == question.organisation_id
    )


def may_see_introduction(user, introduction: Introduction) -> bool:
    """Only the two sides ever see an introduction, declined or not; the same rule as the API
    (services.introductions_visible_to). Contact details pass between the two sides only."""
    if not (user and user.is_authenticated and user.organisation_id):
        return False
    return user.organisation_id in (introduction.asker_id, introduction.recipient_id)


def may_request_introduction(user, question: Question | None = None) -> bool:
    """Contributors and coordinators of an organisation ask; about a question only its owner."""
    if not can_create(user, Introduction) or user.organisation_id is None:
        return False
    return question is None or can_edit(user, question)


def why_no_introduction(user, question: Question | None = None) -> str:
    """The reason may_request_introduction said no, for the page and the API alike."""
    if question is not None and not can_edit(user, question):
        return _("Only the municipality that asked can request introductions.")
    return _("Only contributors of a municipality can ask for an introduction.")


def may_answer_introduction(user, introduction: Introduction) -> bool:
    return belongs_to(user, introduction.recipient_id)


@edit_rule(Introduction)
def edit_introduction(user, introduction) -> bool:
    # The asker may withdraw it; the recipient answers through may_answer_introduction.
    return belongs_to(user, introduction.asker_id)
