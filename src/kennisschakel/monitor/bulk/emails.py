"""Emails with a code to a selection's deliverable addresses (queued; the worker sends)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from kennisschakel.monitor import services
from kennisschakel.monitor.bulk.status import deliverable
from kennisschakel.monitor.models import AccessCode, Invitation, Wave


def _email_context(invitation: Invitation, code: str) -> dict:
    wave = invitation.wave
    return {
        "invitation": invitation,
        "wave": wave,
        "code": code,
        "url": services.answer_url(wave),
        "link": services.link_url(wave, code),  # the personal link
    }


def email_code(invitation: Invitation, address: str, template: str, code: str | None = None):
    """Queue one email with a code (a fresh reminder code per address unless ``code``
    is given: the letter's). Inside the caller's transaction; sent after commit."""
    if code is None:
        code = services.issue_code(invitation, AccessCode.Kind.REMINDER, address)
    services.send_email(template, address, _email_context(invitation, code))


@dataclass
class Mailed:
    emails: int = 0  # emails queued
    municipalities: int = 0  # municipalities that got at least one
    without_address: list[Invitation] = field(default_factory=list)
    submitted: list[Invitation] = field(default_factory=list)  # skipped: already submitted


def resend_emails(wave: Wave, ids, template: str = "monitor/email/invitation.txt") -> Mailed:
    """Email a fresh code to every deliverable address of these municipalities (their
    letter code keeps working). Submitted municipalities and those without an address are
    counted, not emailed. Codes and outbox rows commit together; the worker sends."""
    outcome = Mailed()
    now = timezone.now()
    rows = (
        Invitation.objects.filter(wave=wave, pk__in=list(ids))
        .select_related("wave__instrument")
        .prefetch_related("contact_addresses")
        .order_by("name")
    )
    with transaction.atomic():
        for invitation in rows:
            if invitation.submitted_at:
                outcome.submitted.append(invitation)
                continue
            addresses = deliverable(invitation)
            if not addresses:
                outcome.without_address.append(invitation)
                continue
            for address in addresses:
                email_code(invitation, address, template)
                outcome.emails += 1
            outcome.municipalities += 1
            Invitation.objects.filter(pk=invitation.pk).update(emailed_at=now)
    return outcome
