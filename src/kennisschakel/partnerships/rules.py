"""Who may change partnerships and activities (see kennisschakel.accounts.permissions)."""

from kennisschakel.accounts.models import Role
from kennisschakel.accounts.permissions import allow_create, belongs_to, edit_rule
from kennisschakel.partnerships.models import ExchangeActivity, NetworkMembership, Partnership

allow_create(Partnership, {Role.CONTRIBUTOR, Role.COORDINATOR})
allow_create(ExchangeActivity, {Role.CONTRIBUTOR, Role.COORDINATOR})
allow_create(NetworkMembership, {Role.CONTRIBUTOR, Role.COORDINATOR})


def involved_organisation_ids(obj) -> set[int]:
    if isinstance(obj, Partnership):
        rows = obj.partners.values_list("organisation_id", flat=True)
    else:
        rows = obj.sides.values_list("organisation_id", flat=True)
    return {pk for pk in rows if pk}


@edit_rule(Partnership)
def edit_partnership(user, partnership: Partnership) -> bool:
    return any(belongs_to(user, pk) for pk in involved_organisation_ids(partnership))


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
