"""One notification per user and event; a user's choice of email digest.

A notification belongs to one user, not to an organisation: colleagues read their own
list, and one colleague reading an item must not hide it from the others (the
organisation-wide "what waits" is on Mijn Kennisschakel). The row stores the words
of the event as they were (who, about what) and a link; the sentence around them is
translated when shown, so an English reader sees English.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    INTRODUCTION_REQUESTED = "introduction_requested", _("introduction requested")
    INTRODUCTION_ACCEPTED = "introduction_accepted", _("introduction accepted")
    INTRODUCTION_DECLINED = "introduction_declined", _("introduction declined")
    EXCHANGE_TO_CONFIRM = "exchange_to_confirm", _("exchange to confirm")
    PARTNERSHIP_PROPOSED = "partnership_proposed", _("partnership to confirm")
    ADOPTION_REPORTED = "adoption_reported", _("adoption of a practice")
    MONITOR_INVITATION = "monitor_invitation", _("monitor invitation")
    MONITOR_RESULTS = "monitor_results", _("monitor results")
    NEW_SUGGESTIONS = "new_suggestions", _("new suggestions for a question")


#: The sentence for each kind; %(actor)s is the organisation that acted (may be empty for
#: the monitor), %(subject)s what it is about. Translated when shown or mailed.
SENTENCES = {
    Kind.INTRODUCTION_REQUESTED: _("%(actor)s asks your organisation for an introduction"),
    Kind.INTRODUCTION_ACCEPTED: _("%(actor)s accepted your request for an introduction"),
    Kind.INTRODUCTION_DECLINED: _("%(actor)s declined your request for an introduction"),
    Kind.EXCHANGE_TO_CONFIRM: _(
        "%(actor)s logged an exchange with your organisation: please confirm it"
    ),  # noqa: E501
    Kind.PARTNERSHIP_PROPOSED: _(
        "%(actor)s named your organisation as a partner: please confirm or decline"
    ),  # noqa: E501
    Kind.ADOPTION_REPORTED: _("%(actor)s reported what it did with your practice"),
    Kind.MONITOR_INVITATION: _("Your municipality is invited to answer a monitor questionnaire"),
    Kind.MONITOR_RESULTS: _("The results of a monitor your municipality was invited to are ready"),  # noqa: E501
    Kind.NEW_SUGGESTIONS: _("New suggestions for your question"),
}


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    # The event, e.g. "introduction:12:requested": the same event never notifies a user
    # twice (a job run again, a wave saved again); see the constraint below.
    key = models.CharField(_("event"), max_length=120)
    actor = models.CharField(_("by"), max_length=200, blank=True)
    subject = models.CharField(_("about"), max_length=300)
    url = models.CharField(_("link"), max_length=500)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_event")
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_user_new_idx"),
            # The unread count (menu, Mijn Kennisschakel) and the digest read only these.
            models.Index(
                fields=["user", "created_at"],
                condition=Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.sentence} – {self.subject}"

    @property
    def sentence(self) -> str:
        return str(SENTENCES[self.kind]) % {"actor": self.actor or "–"}

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class DigestPreference(models.Model):
    """Whether and how often a user gets the email digest; absent means never (opt-in)."""

    class Frequency(models.TextChoices):
        NEVER = "never", _("never")
        DAILY = "daily", _("daily")
        WEEKLY = "weekly", _("weekly")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="digest_preference",
        verbose_name=_("user"),
    )
    frequency = models.CharField(
        _("email digest"), max_length=8, choices=Frequency.choices, default=Frequency.NEVER
    )
    # The site stores no language per user; the digest is written in the language the
    # user had on when choosing it (Dutch unless they chose with the site in English).
    language = models.CharField(_("language"), max_length=8, default="nl")
    # Moved forward by one conditional UPDATE per digest: two workers never both send.
    last_digest_at = models.DateTimeField(_("last digest"), null=True, blank=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("email digest preference")
        verbose_name_plural = _("email digest preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.frequency}"
