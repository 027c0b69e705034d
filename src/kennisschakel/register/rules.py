"""Who may change register records (see kennisschakel.core.permissions)."""

from kennisschakel.core.permissions import belongs_to, edit_rule
from kennisschakel.register.models import Organisation


@edit_rule(Organisation)
def edit_organisation(user, organisation: Organisation) -> bool:
    # Contributors keep their own organisation's profile up to date. The
    # municipality's register facts (code, name, inhabitants) come from CBS and
    # only facilitators change them: Municipality has no rule on purpose.
    return belongs_to(user, organisation.pk)
