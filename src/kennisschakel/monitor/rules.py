"""Who may do what in the monitor (see kennisschakel.core.permissions).

Facilitators run waves (create, send letters and reminders, import, export raw
responses). A municipality's own answers are seen by its code holders and by the
municipality's logged-in people; nobody else ever sees them, facilitators included,
except in the raw export that the analyst needs.
"""

from kennisschakel.accounts.models import Role
from kennisschakel.core.permissions import is_active_user


def may_run_waves(user) -> bool:
    return is_active_user(user) and user.role == Role.FACILITATOR


def may_export_raw(user) -> bool:
    return may_run_waves(user)


def may_see_own_answers(user, invitation) -> bool:
    """A logged-in person of the invited municipality."""
    return bool(
        is_active_user(user)
        and invitation.municipality_id
        and user.organisation_id
        and invitation.municipality.organisation_id == user.organisation_id
    )
