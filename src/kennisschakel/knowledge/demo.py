"""Demo contact points: whom every demo practice page names as its contact.

Only for trying Kennisschakel out (``kennisschakel seed``; ``--no-demo`` leaves it out).
"""

from django.utils import timezone
from django.utils.text import slugify

from kennisschakel.knowledge.models import Practice
from kennisschakel.register.models import ContactPerson, Organisation


def load_demo_contacts() -> int:
    """One consented contact point per organisation that owns demo practices.

    A function mailbox ('kennisdeling@…'), not a person: the demo holds no
    personal data, yet every practice page shows whom to contact.
    """
    created = 0
    owners = Organisation.objects.filter(practices__isnull=False).distinct()
    for organisation in owners:
        domain = slugify(str(organisation)) or organisation.slug
        person, made = ContactPerson.objects.get_or_create(
            organisation=organisation,
            email=f"kennisdeling@{domain}.example",
            defaults={
                "name": f"Contactpunt kennisdeling {organisation}",
                "role": "Contactpunt (demo)",
                "languages": "nl, en",
                "consent_given_at": timezone.now(),
            },
        )
        created += made
        for practice in Practice.objects.filter(owner=organisation).exclude(contacts=person):
            practice.contacts.add(person)
    return created
