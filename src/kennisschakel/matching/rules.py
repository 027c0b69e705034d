"""Who may change questions, offers and introductions (see kennisschakel.accounts.permissions)."""

from kennisschakel.accounts.models import Role
from kennisschakel.accounts.permissions import allow_create, belongs_to, edit_rule
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


def may_see_introduction(user, introduction: Introduction) -> bool:
    """Only the two sides (and facilitators) ever see an introduction, declined or not."""
    if not (user and user.is_authenticated):
        return False
    if getattr(user, "is_facilitator", False):
        return True
    return user.organisation_id in (introduction.asker_id, introduction.recipient_id)


def may_answer_introduction(user, introduction: Introduction) -> bool:
    return belongs_to(user, introduction.recipient_id)


@edit_rule(Introduction)
def edit_introduction(user, introduction) -> bool:
    # The asker may withdraw it; the recipient answers through may_answer_introduction.
    return belongs_to(user, introduction.asker_id)
