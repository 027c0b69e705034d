"""The token list: per invitation its status (not invited, invited, started, submitted,
bounced), last activity and contact addresses, in three queries whatever the number of rows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models import functions as fn
from django.db.models.expressions import Case, When
from django.utils.translation import gettext_lazy

from kennisschakel.monitor.models import AccessCode, ContactAddress, Invitation, Wave

NOT_INVITED, INVITED, STARTED, SUBMITTED, BOUNCED = (
    "not_invited",
    "invited",
    "started",
    "submitted",
    "bounced",
)
STATUS_LABELS = {
    NOT_INVITED: gettext_lazy("not invited"),
    INVITED: gettext_lazy("invited"),
    BOUNCED: gettext_lazy("email bounced"),
    STARTED: gettext_lazy("started"),
    SUBMITTED: gettext_lazy("submitted"),
}
STATUSES = tuple(STATUS_LABELS)


def _status_expression():
    """The row's status in SQL, so the list filters and pages in the database. A
    started or submitted municipality is that whatever its email did; "bounced" means an
    email to one of its addresses was refused and it has not started."""
    bounced = Exists(
        ContactAddress.objects.filter(invitation=OuterRef("pk"), bounced_at__isnull=False)
    )
    # A letter, an email or a reminder went out, or a code was issued another way.
    live_code = Exists(
        AccessCode.objects.filter(invitation=OuterRef("pk"), revoked_at__isnull=True)
    )
    invited = (
        Q(letter_sent_at__isnull=False)
        | Q(emailed_at__isnull=False)
        | Q(reminded_at__isnull=False)
        | Q(live_code)
    )
    return Case(
        When(submitted_at__isnull=False, then=Value(SUBMITTED)),
        When(started_at__isnull=False, then=Value(STARTED)),
        When(bounced, then=Value(BOUNCED)),
        When(invited, then=Value(INVITED)),
        default=Value(NOT_INVITED),
    )


def _live_codes():
    live = (
        AccessCode.objects.filter(invitation=OuterRef("pk"), revoked_at__isnull=True)
        .order_by()
        .values("invitation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return fn.Coalesce(Subquery(live), 0)


def token_rows(wave: Wave, status: str | None = None):
    """The wave's invitations with ``token_status`` and ``live_codes`` annotated and
    their contact addresses prefetched (one query for the rows, one for the addresses,
    whatever their number). The answers themselves are not loaded."""
    rows = (
        Invitation.objects.filter(wave=wave)
        .defer("answers", "invalid_input")
        .annotate(token_status=_status_expression(), live_codes=_live_codes())
        .prefetch_related(
            Prefetch("contact_addresses", queryset=ContactAddress.objects.order_by("pk"))
        )
        .order_by("name", "cbs_code")
    )
    if status in STATUSES:
        rows = rows.filter(token_status=status)
    return rows


def status_counts(wave: Wave) -> dict[str, int]:
    """How many invitations have each status (one query)."""
    counted = (
        Invitation.objects.filter(wave=wave)
        .annotate(token_status=_status_expression())
        .values("token_status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = dict.fromkeys(STATUSES, 0)
    counts.update({row["token_status"]: row["n"] for row in counted})
    return counts


@dataclass
class Address:
    email: str
    bounced_at: datetime.datetime | None = None
    bounce_reason: str = ""


def addresses_of(invitation: Invitation) -> list[Address]:
    """Its contact addresses (prefetched rows) plus ``Invitation.email`` when that is not
    among them; lower-cased, each once."""
    seen, result = set(), []
    for row in invitation.contact_addresses.all():
        key = row.email.lower()
        if key not in seen:
            seen.add(key)
            result.append(Address(row.email, row.bounced_at, row.bounce_reason))
    if invitation.email and invitation.email.lower() not in seen:
        result.append(Address(invitation.email))
    return result


def deliverable(invitation: Invitation) -> list[str]:
    """The addresses an email may go to: those that have not bounced."""
    return [a.email for a in addresses_of(invitation) if a.bounced_at is None]


def last_activity(invitation: Invitation) -> datetime.datetime | None:
    """The latest thing that happened to the invitation: a letter, an email, a reminder,
    a start, a save, a submission, a refused email."""
    moments = [
        invitation.letter_sent_at,
        invitation.emailed_at,
        invitation.reminded_at,
        invitation.started_at,
        invitation.saved_at,
        invitation.submitted_at,
        *(a.bounced_at for a in addresses_of(invitation)),
    ]
    moments = [moment for moment in moments if moment]
    return max(moments) if moments else None


def decorate(rows) -> list[Invitation]:
    """Rows of :func:`token_rows` with ``addresses``, ``last_activity`` and
    ``status_label`` set (no queries beyond the two of the list)."""
    rows = list(rows)
    for row in rows:
        row.addresses = addresses_of(row)
        row.last_activity = last_activity(row)
        row.status_label = STATUS_LABELS[row.token_status]
    return rows
