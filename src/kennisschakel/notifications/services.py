"""Creating, reading and mailing notifications (no HTTP).

The other apps call :func:`notify` from their services, inside the transaction that
makes the event true. The rows are written only after that transaction commits: a
rolled-back introduction notifies nobody, and the event's transaction holds no extra
locks. One row per active user of each receiving organisation (never the person who
acted); a unique (user, key) pair makes a repeated event a no-op.

The digest (:func:`send_digest`) is one email per opted-in user per calendar day or
ISO week (Europe/Amsterdam), claimed with one conditional UPDATE of ``last_digest_at``
(compare-and-set on the value read), so two workers running the same pass send it once.
"""

import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kennisschakel.core.background.outbox import queue_email
from kennisschakel.notifications.models import DigestPreference, Kind, Notification

logger = logging.getLogger(__name__)

Frequency = DigestPreference.Frequency

#: Notifications listed in one digest email; the rest are behind the link to the list.
DIGEST_ROWS = 25
#: A first digest (no earlier one) covers this much of the past.
PERIOD = {Frequency.DAILY: datetime.timedelta(days=1), Frequency.WEEKLY: datetime.timedelta(days=7)}


# --------------------------------------------------------------------------- creating


def notify(
    kind: str,
    organisations: Iterable[int | None] | QuerySet,
    *,
    key: str,
    subject: str,
    url: str,
    actor: str = "",
    exclude_user=None,
) -> None:
    """Notify every active user of ``organisations`` (ids, or a queryset of ids) of one
    event, after the caller's transaction commits.

    ``key`` names the event ("introduction:12:requested"); a user already notified of
    it is not notified again. ``exclude_user``: the person who acted.
    """
    if isinstance(organisations, QuerySet):
        targets = organisations
    else:
        targets = sorted({pk for pk in organisations if pk})
        if not targets:
            return
    exclude_id = getattr(exclude_user, "pk", exclude_user)
    values = {
        "kind": Kind(kind).value,
        "key": key[:120],
        "subject": (subject or "")[:300],
        "url": url[:500],
        "actor": str(actor or "")[:200],
    }
    # robust: a failure here must not turn the committed event into an error page.
    transaction.on_commit(lambda: create_for(targets, exclude_id, **values), robust=True)


def create_for(organisations, exclude_id: int | None, **values) -> int:
    """Write the rows now (notify() calls this after commit); returns how many users were
    addressed (those already notified of this event are skipped by the database)."""
    from kennisschakel.accounts.models import User

    users = User.objects.filter(organisation_id__in=organisations, is_active=True)
    if exclude_id:
        users = users.exclude(pk=exclude_id)
    now = timezone.now()
    ids = users.values_list("pk", flat=True)
    rows = [Notification(user_id=pk, created_at=now, **values) for pk in ids]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)  # once per user and event
    return len(rows)


# --------------------------------------------------------------------------- reading


def notifications_of(user) -> QuerySet:
    return Notification.objects.filter(user_id=user.pk)


def unread_count(user) -> int:
    return notifications_of(user).filter(read_at__isnull=True).count()


def mark_read(user, pk: int) -> bool:
    """Mark one of the user's own notifications read; True when it changed now.

    Conditional (… AND read_at IS NULL): marking twice keeps the first time. Another
    user's notification matches no row: it is neither changed nor revealed.
    """
    return bool(
        notifications_of(user).filter(pk=pk, read_at__isnull=True).update(read_at=timezone.now())
    )


def mark_all_read(user, up_to: int | None = None) -> int:
    """Mark the user's unread notifications read, only those up to id ``up_to`` (the
    newest the page showed) when given: one that arrived since is not marked unseen."""
    unread = notifications_of(user).filter(read_at__isnull=True)
    if up_to is not None:
        unread = unread.filter(pk__lte=up_to)
    return unread.update(read_at=timezone.now())


# --------------------------------------------------------------------------- digest


def preference_of(user) -> DigestPreference:
    """The user's preference; an unsaved 'never' when they have not chosen (opt-in)."""
    return DigestPreference.objects.filter(user_id=user.pk).first() or DigestPreference(
        user_id=user.pk
    )


def set_frequency(user, frequency: str, language: str | None = None) -> DigestPreference:
    frequency = Frequency(frequency).value
    language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    preference, _created = DigestPreference.objects.update_or_create(
        user_id=user.pk, defaults={"frequency": frequency, "language": language}
    )
    return preference


def period_start(frequency: str, now: datetime.datetime) -> datetime.datetime:
    """The start of the calendar day or ISO week (site time zone) that ``now`` is in."""
    local = timezone.localtime(now)
    day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if frequency == Frequency.WEEKLY:
        day -= datetime.timedelta(days=local.weekday())
    # Midnight (or a Monday's) in the site's zone, also across a DST change.
    return timezone.make_aware(day.replace(tzinfo=None), timezone.get_current_timezone())


def _not_yet_this_period(frequency: str, now: datetime.datetime) -> Q:
    return Q(frequency=frequency) & (
        Q(last_digest_at__isnull=True) | Q(last_digest_at__lt=period_start(frequency, now))
    )


def due_preferences(now: datetime.datetime | None = None) -> QuerySet:
    """Preferences whose digest has not gone out in the current day or week."""
    now = now or timezone.now()
    return DigestPreference.objects.filter(
        _not_yet_this_period(Frequency.DAILY, now) | _not_yet_this_period(Frequency.WEEKLY, now),
        user__is_active=True,
    )


def send_digest(user_id: int, now: datetime.datetime | None = None) -> bool:
    """Queue this user's digest if it is due and holds something new; True when queued.

    "New" is unread and created since the previous digest (a first digest: the last day
    or week). Nothing new: nothing is sent and nothing is recorded, so what arrives
    later in the same day or week still goes out in it.
    """
    now = now or timezone.now()
    preference = (
        DigestPreference.objects.select_related("user")
        .filter(pk=user_id, user__is_active=True)
        .first()
    )
    if preference is None or preference.frequency == Frequency.NEVER:
        return False
    frequency = preference.frequency
    previous = preference.last_digest_at
    if previous is not None and previous >= period_start(frequency, now):
        return False  # already sent this day or week
    since = previous or now - PERIOD[frequency]
    new = Notification.objects.filter(
        user_id=user_id, read_at__isnull=True, created_at__gt=since, created_at__lte=now
    )
    rows = list(new.order_by("-created_at", "-pk")[:DIGEST_ROWS])
    if not rows:
        return False
    total = len(rows) if len(rows) < DIGEST_ROWS else new.count()
    with transaction.atomic():
        # Compare-and-set on the value read above: of two passes at once, one matches.
        claim = DigestPreference.objects.filter(pk=user_id, frequency=frequency)
        claim = (
            claim.filter(last_digest_at=previous)
            if previous
            else claim.filter(last_digest_at__isnull=True)
        )  # noqa: E501
        if not claim.update(last_digest_at=now):
            return False
        subject, body = render_digest(preference, rows, total, first=previous is None)
        queue_email(subject, body, [preference.user.email])  # sent by the worker after commit
    return True


def render_digest(
    preference: DigestPreference, rows: list[Notification], total: int, first: bool = False
) -> tuple[str, str]:
    """The digest's subject and body; ``first``: no digest went out before, so the email
    speaks of the past day or week instead of "since your previous digest"."""
    site = settings.KENNISSCHAKEL_SITE_URL.rstrip("/")
    with translation.override(preference.language or settings.LANGUAGE_CODE):
        subject = ngettext(
            "Kennisschakel: %(count)s new notification",
            "Kennisschakel: %(count)s new notifications",
            total,
        ) % {"count": total}
        body = render_to_string(
            "notifications/email/digest.txt",
            {
                "user": preference.user,
                "items": [
                    {"sentence": row.sentence, "subject": row.subject, "url": site + row.url}
                    for row in rows
                ],
                "total": total,
                "more": total - len(rows),
                "daily": preference.frequency == Frequency.DAILY,
                "first": first,
                "list_url": site + reverse("notifications:list"),
                "account_url": site + reverse("accounts:profile"),
            },
        )
    return subject, body.strip() + "\n"


def digest_hour() -> int:
    """The hour (site time) from which a day's digests are sent."""
    return int(getattr(settings, "KENNISSCHAKEL_DIGEST_HOUR", 7))


def send_due_digests(now: datetime.datetime | None = None) -> int:
    """One pass: every due digest; returns how many were queued. A failure for one user
    is logged and the pass goes on with the others."""
    now = now or timezone.now()
    if timezone.localtime(now).hour < digest_hour():
        return 0  # the day's digests go out in the morning, not just after midnight
    sent = 0
    for user_id in due_preferences(now).values_list("user_id", flat=True).iterator():
        try:
            sent += send_digest(user_id, now)
        except Exception:
            logger.exception("digest for user %s failed", user_id)
    return sent


def describe_frequency(frequency: str) -> str:
    return {
        Frequency.NEVER: _("You get no email digest."),
        Frequency.DAILY: _("You get a daily email digest of new notifications."),
        Frequency.WEEKLY: _("You get a weekly email digest of new notifications."),
    }[Frequency(frequency)]
