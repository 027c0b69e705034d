"""Forwarding a questionnaire to a colleague: a code of their own, within limits."""

import datetime
import logging
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kennisschakel.monitor.models import AccessCode, Invitation
from kennisschakel.monitor.services.answers import lock_invitation
from kennisschakel.monitor.services.codes import issue_code
from kennisschakel.monitor.services.emails import answer_url, link_url, send_email

logger = logging.getLogger(__name__)


#: Forwarding a questionnaire: at most this many per invitation per day, and at most
#: this many live colleague codes per invitation (settings may change both).
def _forward_limits() -> tuple[int, int]:
    return (
        getattr(settings, "MONITOR_FORWARDS_PER_DAY", 5),
        getattr(settings, "MONITOR_LIVE_FORWARD_CODES", 10),
    )


# A web address or a bare domain in a message: mail programs would make it a link.
_LINKLIKE = re.compile(
    r"(?i)\b(?:[a-z][a-z0-9+.-]*://|www\.)\S*|\b[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b"
)
FORWARD_NOTE_LENGTH = 500


def neutralised_note(note: str) -> str:
    """The sender's note as plain quoted text that no mail program turns into a link:
    web addresses and domain names have their dots and slashes bracketed
    (``example[.]com``), control characters go, the length is capped, and every line is
    quoted with ``> `` so it cannot pass for the email's own lines (the code, the address)."""
    text = "".join(ch for ch in note if ch in "\n\t" or (ch.isprintable()))
    text = text.strip()[:FORWARD_NOTE_LENGTH]

    def defang(match: re.Match) -> str:
        return match.group(0).replace("://", "[:]//").replace(".", "[.]")

    text = _LINKLIKE.sub(defang, text)
    return "\n".join(f"> {line}" for line in text.splitlines() if line.strip())


class ForwardRefused(ValidationError):
    """Forwarding is refused for now (too many today, or too many live colleague codes)."""


def delegate(invitation: Invitation, email: str, note: str = "", client: str = "") -> str:
    """Forward the questionnaire to a colleague: a code of their own, by email (after
    commit). Limited per invitation (see :func:`_forward_limits`), counted under the
    invitation's row lock so parallel requests cannot pass the limits together, and
    logged with the invitation, the address's domain and the client address."""
    per_day, live_cap = _forward_limits()
    with transaction.atomic():
        current = lock_invitation(invitation)
        if current.submitted_at:
            raise ValidationError(_("These answers have been submitted and can no longer change."))
        delegations = AccessCode.objects.filter(invitation=current, kind=AccessCode.Kind.DELEGATION)
        since = timezone.now() - datetime.timedelta(days=1)
        if delegations.filter(created_at__gte=since).count() >= per_day:
            raise ForwardRefused(
                _(
                    "This questionnaire has been forwarded %(count)s times in the last 24 "
                    "hours; that is the most allowed. Try again tomorrow, or ask the "
                    "organiser for help."
                )
                % {"count": per_day}
            )
        if delegations.filter(revoked_at__isnull=True).count() >= live_cap:
            raise ForwardRefused(
                _(
                    "%(count)s colleagues already have a code of their own for this "
                    "questionnaire; no more codes can be sent. Ask the organiser for help."
                )
                % {"count": live_cap}
            )
        code = issue_code(current, AccessCode.Kind.DELEGATION, email)
        context = {"invitation": current, "wave": current.wave, "code": code,
                   "note": neutralised_note(note), "url": answer_url(current.wave),
                   "link": link_url(current.wave, code)}  # fmt: skip
        send_email("monitor/email/delegation.txt", email, context)
    logger.info(
        "monitor forward: invitation=%s wave=%s municipality=%s to_domain=%s client=%s",
        current.pk,
        current.wave.slug,
        current.cbs_code,
        email.rpartition("@")[2].lower(),
        client or "unknown",
    )
    return code
