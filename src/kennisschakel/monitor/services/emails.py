"""Emails of the monitor (receipt, invitation, reminder): queued in the outbox inside the
caller's transaction, sent by the worker after commit."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kennisschakel.core.background.outbox import queue_email
from kennisschakel.monitor.models import AccessCode, Invitation, Wave
from kennisschakel.monitor.services.codes import issue_code, normalise_code


def send_email(template: str, to: str, context: dict) -> None:
    """Put the email in the outbox, inside the caller's transaction (sent after commit)."""
    with translation.override("nl"):
        subject, _sep, body = render_to_string(template, context).partition("\n\n")
    queue_email(subject.strip(), body.strip() + "\n", [to])


def answer_url(wave: Wave) -> str:
    return settings.KENNISSCHAKEL_SITE_URL.rstrip("/") + reverse(
        "monitor:answer-start", args=[wave.slug]
    )


def link_url(wave: Wave, code: str) -> str:
    """The personal link for a code: opening it is typing the code (``answering.open_link``).
    The code goes in without its dashes, so the link (and its QR code) stays short."""
    return settings.KENNISSCHAKEL_SITE_URL.rstrip("/") + reverse(
        "monitor:answer-link", args=[wave.slug, normalise_code(code)]
    )


def send_receipt(invitation: Invitation) -> None:
    send_email(
        "monitor/email/receipt.txt",
        invitation.receipt_email,
        {"invitation": invitation, "wave": invitation.wave},
    )


@transaction.atomic
def send_letter_emails(issued: list[tuple[Invitation, str]]) -> int:
    """Queue the invitation emails; returns how many were queued (the worker sends them)."""
    sent = 0
    for invitation, code in issued:
        if invitation.email:
            send_email(
                "monitor/email/invitation.txt",
                invitation.email,
                {"invitation": invitation, "wave": invitation.wave, "code": code,
                 "url": answer_url(invitation.wave), "link": link_url(invitation.wave, code)},
            )  # fmt: skip
            sent += 1
    return sent


@transaction.atomic
def send_reminders(wave: Wave) -> int:
    """Email a fresh code to every invited municipality with an address that has not
    submitted; the letter's code keeps working. Returns how many emails were queued:
    the codes and their emails commit together, the worker sends them."""
    if not wave.is_answerable():
        raise ValidationError(_("Reminders can only be sent while the wave is open."))
    count = 0
    for invitation in wave.invitations.filter(submitted_at__isnull=True).exclude(email=""):
        code = issue_code(invitation, AccessCode.Kind.REMINDER, invitation.email)
        send_email(
            "monitor/email/reminder.txt",
            invitation.email,
            {
                "invitation": invitation,
                "wave": wave,
                "code": code,
                "url": answer_url(wave),
                "link": link_url(wave, code),
            },
        )
        invitation.reminded_at = timezone.now()
        invitation.save(update_fields=["reminded_at"])
        count += 1
    return count
