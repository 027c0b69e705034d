"""The time of a user's previous visit to *Mijn Kennisschakel*, for "new since your last visit".

One row per user, written only when the page is shown. The write is one conditional
``UPDATE … WHERE seen_at < now``: two tabs loading the page at once cannot move the time
backwards, and neither needs a lock.
"""

from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LastVisit(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    seen_at = models.DateTimeField(_("last visit"))

    class Meta:
        verbose_name = _("last visit")
        verbose_name_plural = _("last visits")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.seen_at:%Y-%m-%d %H:%M}"


def previous_visit(user) -> datetime | None:
    """When the user last saw the page (None: never), without changing it."""
    return LastVisit.objects.filter(user_id=user.pk).values_list("seen_at", flat=True).first()


def record_visit(user, now: datetime | None = None) -> datetime | None:
    """Store ``now`` as the user's visit and return the previous one (None: first visit)."""
    now = now or timezone.now()
    previous = previous_visit(user)
    if previous is None:
        try:
            with transaction.atomic():
                LastVisit.objects.create(user_id=user.pk, seen_at=now)
            return None
        except IntegrityError:  # a parallel first visit was first: fall through to the update
            pass
    LastVisit.objects.filter(user_id=user.pk, seen_at__lt=now).update(seen_at=now)
    return previous
