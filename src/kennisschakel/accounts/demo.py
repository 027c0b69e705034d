"""Demo users: a few accounts in the municipalities the sources talk about.

Only for trying Kennisschakel out (``make run``); ``kennisschakel seed
--no-demo`` leaves them out. Existing users are never changed, so a second
seed changes nothing and a password changed in the demo stays changed.
"""

from django.contrib.auth import get_user_model
from django.db import transaction

from kennisschakel.accounts.models import Role
from kennisschakel.register.models import Municipality, Organisation

DEMO_PASSWORD = "demo-kennisschakel"  # noqa: S105  (published demo credential)
FACILITATOR_ORGANISATION = {
    "slug": "kennisschakel-beheer",
    "name": "Kennisschakel (beheer)",
    "type": Organisation.Type.FACILITATOR,
    "level": Organisation.Level.NATIONAL,
    "description_nl": "Het team dat de kennisschakel beheert (demo).",
    "description_en": "The team that runs the knowledge hub (demo).",
    "source": "demo",
}

# (email, full name, role, CBS code or None for the facilitator organisation)
DEMO_USERS = [
    ("facilitator@kennisschakel.example", "Fenna Facilitator", Role.FACILITATOR, None),
    ("coordinator@enschede.example", "Esther Coördinator", Role.COORDINATOR, "GM0153"),
    ("beleid@weert.example", "Wim Beleidsmedewerker", Role.CONTRIBUTOR, "GM0988"),
    ("beleid@zoetermeer.example", "Zeynep Beleidsmedewerker", Role.CONTRIBUTOR, "GM0637"),
    ("internationaal@denhaag.example", "Daan Internationaal", Role.CONTRIBUTOR, "GM0518"),
    ("raadslid@opsterland.example", "Olga Raadslid", Role.READER, "GM0086"),
]


@transaction.atomic
def load_demo_data() -> list[tuple[str, str, str, str]]:
    """Create the demo users that do not exist yet; return every demo login."""
    facilitator_org, _ = Organisation.objects.get_or_create(
        slug=FACILITATOR_ORGANISATION["slug"], defaults=FACILITATOR_ORGANISATION
    )
    organisations = {
        mun.cbs_code: mun.organisation
        for mun in Municipality.objects.select_related("organisation").filter(
            cbs_code__in=[code for *_, code in DEMO_USERS if code]
        )
    }
    User = get_user_model()
    logins = []
    for email, full_name, role, code in DEMO_USERS:
        organisation = organisations.get(code) if code else facilitator_org
        if organisation is None:
            continue
        if not User.objects.filter(email=email).exists():
            User.objects.create_user(
                email=email,
                password=DEMO_PASSWORD,
                full_name=full_name,
                role=role,
                organisation=organisation,
            )
        logins.append((email, DEMO_PASSWORD, Role(role).label, str(organisation)))
    return logins


def demo_logins() -> list[tuple[str, str, str, str]]:
    """Demo accounts that still exist (for printing when the server starts)."""
    User = get_user_model()
    users = User.objects.filter(email__in=[u[0] for u in DEMO_USERS]).select_related("organisation")
    return [(u.email, DEMO_PASSWORD, Role(u.role).label, str(u.organisation)) for u in users]
