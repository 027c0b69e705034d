"""Who may change knowledge-bank records (see kennisschakel.core.permissions)."""

from kennisschakel.accounts.models import Role
from kennisschakel.core.permissions import allow_create, belongs_to, edit_rule
from kennisschakel.knowledge.models import Adoption, Practice

allow_create(Practice, {Role.CONTRIBUTOR, Role.COORDINATOR})
allow_create(Adoption, {Role.CONTRIBUTOR, Role.COORDINATOR})


@edit_rule(Practice)
def edit_practice(user, practice: Practice) -> bool:
    # The owner and the co-owners keep a practice up to date.
    if belongs_to(user, practice.owner_id):
        return True
    return any(belongs_to(user, pk) for pk in practice.co_owners.values_list("pk", flat=True))


@edit_rule(Adoption)
def edit_adoption(user, adoption: Adoption) -> bool:
    # The adopting organisation edits its own record; the owner only replies (see can_reply).
    return belongs_to(user, adoption.organisation_id)


def can_reply(user, adoption: Adoption) -> bool:
    return bool(user.is_authenticated) and (
        user.is_facilitator or edit_practice(user, adoption.practice)
    )


def can_adopt(user, practice: Practice) -> bool:
    """A contributor of another organisation may record what became of a practice."""
    return (
        user.is_authenticated
        and user.organisation_id is not None
        and user.organisation_id != practice.owner_id
        and user.role in (Role.CONTRIBUTOR, Role.COORDINATOR, Role.FACILITATOR)
        and practice.status == Practice.Status.PUBLISHED
    )
