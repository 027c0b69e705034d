"""Who may change partnerships and activities (see kennisschakel.core.permissions).

Every page, API endpoint and service in this app asks these functions; none decides on
its own. An organisation named as partner by someone else is *proposed* and gets no
rights until one of its people confirms.
"""

from kennisschakel.accounts.models import Role
from kennisschakel.core.permissions import (
    allow_create,
    belongs_to,
    can_edit,
    edit_rule,
    is_active_user,
)
from kennisschakel.partnerships.models import (
    ExchangeActivity,
    NetworkMembership,
    Partnership,
    PartnershipPartner,
)

allow_create(Partnership, {Role.CONTRIBUTOR, Role.COORDINATOR})
allow_create(ExchangeActivity, {Role.CONTRIBUTOR, Role.COORDINATOR})
allow_create(NetworkMembership, {Role.CONTRIBUTOR, Role.COORDINATOR})


def involved_organisation_ids(obj) -> set[int]:
    """Organisations that take part: a partnership's *confirmed* partners, an activity's sides."""
    if isinstance(obj, Partnership):
        rows = obj.partners.filter(status=PartnershipPartner.Status.CONFIRMED).values_list(
            "organisation_id", flat=True
        )
    else:
        rows = obj.sides.values_list("organisation_id", flat=True)
    return {pk for pk in rows if pk}


def is_confirmed_partner(organisation_id: int | None, partnership: Partnership) -> bool:
    return organisation_id is not None and organisation_id in involved_organisation_ids(partnership)


@edit_rule(Partnership)
def edit_partnership(user, partnership: Partnership) -> bool:
    return any(belongs_to(user, pk) for pk in involved_organisation_ids(partnership))


def may_log_under(user, organisation_id: int | None, partnership: Partnership | None) -> bool:
    """An exchange is logged under a partnership only by one of its confirmed partners."""
    if partnership is None:
        return True
    if is_active_user(user) and user.is_facilitator:
        return True
    return is_confirmed_partner(organisation_id, partnership)


def may_score_side(user, partner: PartnershipPartner) -> bool:
    """Mutual learning is a *self*-assessment: a partner scores its own side only.

    A side abroad (a place or a country) has no people of its own here; the confirmed
    Dutch partners record its scores for it. Another organisation's side is its own.
    """
    if not can_edit(user, partner.partnership):
        return False
    if user.is_facilitator or partner.organisation_id is None:
        return True
    return belongs_to(user, partner.organisation_id)


def own_proposed_sides(user, partnership: Partnership):
    """The user's organisation's sides that still wait for its answer (or were declined)."""
    if not is_active_user(user) or not belongs_to(user, user.organisation_id):
        return PartnershipPartner.objects.none()
    return partnership.partners.filter(organisation_id=user.organisation_id).exclude(
        status=PartnershipPartner.Status.CONFIRMED
    )


@edit_rule(ExchangeActivity)
def edit_activity(user, activity: ExchangeActivity) -> bool:
    # Only the side that logged it edits it; the other side confirms or disputes.
    return belongs_to(user, activity.logged_by_organisation_id)


def can_confirm(user, activity: ExchangeActivity) -> bool:
    """The other Dutch side(s) of an activity may confirm or dispute what was logged."""
    if not user.is_authenticated or user.organisation_id is None:
        return False
    involved = involved_organisation_ids(activity)
    return (
        user.organisation_id in involved
        and user.organisation_id != activity.logged_by_organisation_id
        and belongs_to(user, user.organisation_id)
    )


@edit_rule(NetworkMembership)
def edit_membership(user, membership: NetworkMembership) -> bool:
    return belongs_to(user, membership.member_id)
