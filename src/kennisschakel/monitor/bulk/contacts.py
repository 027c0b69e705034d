"""Contact addresses of an invitation: added by a facilitator, marked when the mail
server refuses them for good."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import functions as fn
from django.utils import timezone
from django.utils.translation import gettext as _

from kennisschakel.core.background.outbox import email_refused
from kennisschakel.monitor.models import ContactAddress, Invitation, Wave


def add_contact_address(invitation: Invitation, email: str, user=None) -> ContactAddress:
    """Add a validated address (lower case). Adding a bounced address again clears the
    bounce: the facilitator says it works now. The invitation's own address field is
    filled when empty (conditional update), so every sender finds it."""
    email = (email or "").strip().lower()
    if not email:
        raise ValidationError(_("Fill in an email address."), code="required")
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            _("'%(email)s' is not a valid email address.") % {"email": email}, code="invalid"
        ) from None
    if len(email) > 254:
        raise ValidationError(_("This email address is too long."), code="invalid")
    with transaction.atomic():
        try:
            with transaction.atomic():
                address = ContactAddress.objects.create(
                    invitation=invitation, email=email, added_by=user
                )
        except IntegrityError:  # already there (or added in parallel): clear its bounce
            address = ContactAddress.objects.get(invitation=invitation, email=email)
            ContactAddress.objects.filter(pk=address.pk).update(bounced_at=None, bounce_reason="")
            address.refresh_from_db()
        Invitation.objects.filter(pk=invitation.pk, email="").update(email=email)
    return address


# --------------------------------------------------------------------------- bounces


def record_bounce(addresses, reason: str = "", when=None) -> int:
    """The mail server refused ``addresses`` for good: mark them on every invitation of
    a wave that is not closed (an invitation's own address gets its contact row).
    Returns how many contact rows were marked."""
    when = when or timezone.now()
    lowered = {a.strip().lower() for a in addresses if a}
    if not lowered:
        return 0
    running = Invitation.objects.exclude(wave__in=Wave.objects.closed_on())
    with transaction.atomic():
        own = running.annotate(lower_email=fn.Lower("email")).filter(lower_email__in=lowered)
        ContactAddress.objects.bulk_create(
            [ContactAddress(invitation_id=pk, email=email.lower())
             for pk, email in own.values_list("pk", "email")],
            ignore_conflicts=True,
        )  # fmt: skip
        return (
            ContactAddress.objects.annotate(lower_email=fn.Lower("email"))
            .filter(lower_email__in=lowered, invitation__in=running)
            .update(bounced_at=when, bounce_reason=reason[:300])
        )


def _email_refused(sender, recipients=(), reason="", **kwargs) -> None:
    record_bounce(recipients, reason)


def connect_bounces() -> None:
    """Called from MonitorConfig.ready()."""
    email_refused.connect(_email_refused, dispatch_uid="monitor-bounces")
