"""Contact persons and their consent (AVG/GDPR): request, give, withdraw, export, erase.

Consent is given by the person, not by a colleague: the organisation asks,
the person receives a signed link and answers on the site. The link holds
no secret beyond the signature and expires after 30 days.
"""

import json

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from kennisschakel.core.background.outbox import queue_email
from kennisschakel.register.models import ContactPerson

CONSENT_SALT = "kennisschakel.contact-consent"
CONSENT_MAX_AGE = 60 * 60 * 24 * 30


def consent_token(person: ContactPerson) -> str:
    return signing.dumps({"person": person.pk, "email": person.email}, salt=CONSENT_SALT)


def person_from_token(token: str) -> ContactPerson | None:
    try:
        data = signing.loads(token, salt=CONSENT_SALT, max_age=CONSENT_MAX_AGE)
    except signing.BadSignature:
        return None
    person = ContactPerson.objects.filter(pk=data.get("person"), erased_at__isnull=True).first()
    # A changed email address voids earlier links: consent belongs to the address asked.
    if person is None or person.email != data.get("email"):
        return None
    return person


def add_person(person: ContactPerson, organisation) -> ContactPerson:
    """Store a new contact person of ``organisation`` and ask them for consent by email."""
    person.organisation = organisation
    person.save()
    request_consent(person)
    return person


def request_consent(person: ContactPerson) -> int:
    """Queue the consent email to the person; returns the number of emails queued."""
    link = settings.KENNISSCHAKEL_SITE_URL + reverse(
        "register:consent", args=[consent_token(person)]
    )
    context = {"person": person, "link": link}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("register/email/consent_subject.txt", context).strip()
        body = render_to_string("register/email/consent.txt", context)
    with transaction.atomic():  # the request is recorded only with its email in the outbox
        queued = queue_email(subject, body, [person.email])
        person.consent_requested_at = timezone.now()
        person.save(update_fields=["consent_requested_at"])
    return 1 if queued else 0


def give_consent(person: ContactPerson) -> None:
    person.consent_given_at = timezone.now()
    person.consent_withdrawn_at = None
    person.save(update_fields=["consent_given_at", "consent_withdrawn_at"])


def withdraw_consent(person: ContactPerson) -> None:
    person.consent_withdrawn_at = timezone.now()
    person.save(update_fields=["consent_withdrawn_at"])


def export_person(person: ContactPerson) -> str:
    """Everything Kennisschakel holds about a person (right of access), as JSON."""
    data = {
        "name": person.name,
        "role": person.role,
        "email": person.email,
        "languages": person.languages,
        "expertise": person.expertise,
        "organisation": str(person.organisation),
        "consent_requested_at": person.consent_requested_at,
        "consent_given_at": person.consent_given_at,
        "consent_withdrawn_at": person.consent_withdrawn_at,
        "created_at": person.created_at,
        "practices": [
            {"title": p.title, "slug": p.slug} for p in person.practices.order_by("title")
        ],
    }
    return json.dumps(data, default=str, ensure_ascii=False, indent=1)


def erase_person(person: ContactPerson) -> None:
    """Blank the personal data; the record stays so practices that named it do not break."""
    person.name = "(verwijderd)"
    person.role = ""
    person.email = ""
    person.languages = ""
    person.expertise = ""
    person.consent_withdrawn_at = timezone.now()
    person.erased_at = timezone.now()
    person.save()
