"""The monitor: instruments, waves, one invitation (and access codes) per municipality, answers.

The questions themselves live in the instrument's definition (YAML, see
``docs/monitor-formats.md``) and are interpreted by the plain engine
:mod:`kennisschakel.survey`; these models store who is asked, who may answer
and what was answered.
"""

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kennisschakel.core.i18n import BilingualMixin
from kennisschakel.register.models import Municipality, SizeScheme


class Instrument(BilingualMixin, models.Model):
    """A questionnaire, stored as its validated definition (the YAML as a mapping)."""

    slug = models.SlugField(unique=True)
    title_nl = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=500, blank=True)
    definition = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title_nl"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")

    def __str__(self) -> str:
        return self.localized("title")

    @property
    def title(self) -> str:
        return self.localized("title")

    def engine(self):
        """The parsed :class:`kennisschakel.survey.Instrument` (cached per version)."""
        from kennisschakel.monitor.instruments import engine_instrument

        return engine_instrument(self)


class Wave(models.Model):
    """One round of an instrument: who is asked (population on a date), when, in which classes."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("in preparation")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    slug = models.SlugField(unique=True, max_length=80)
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="waves")
    title = models.CharField(_("title"), max_length=200)
    period = models.CharField(
        _("period"), max_length=40, help_text=_("What the answers are about, e.g. '2026'.")
    )
    reference_date = models.DateField(
        _("reference date"),
        help_text=_("The municipalities that existed on this date are the population."),
    )
    size_scheme = models.ForeignKey(
        SizeScheme, on_delete=models.PROTECT, verbose_name=_("size-class scheme")
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    min_cell = models.PositiveSmallIntegerField(
        _("smallest group shown"),
        default=5,
        help_text=_("Figures about fewer respondents than this are not shown."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reference_date", "title"]
        verbose_name = _("wave")
        verbose_name_plural = _("waves")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("monitor:wave-detail", args=[self.slug])

    def is_answerable(self, today: datetime.date | None = None) -> bool:
        """Codes work only while the wave is open and between its dates."""
        today = today or datetime.date.today()
        return self.status == self.Status.OPEN and self.opens_on <= today <= self.closes_on

    def results_open_until(self) -> datetime.date:
        """The last day a municipality's code still shows its own results (read-only):
        MONITOR_RESULTS_ACCESS_DAYS (default 365) after the closing date."""
        days = getattr(settings, "MONITOR_RESULTS_ACCESS_DAYS", 365)
        return self.closes_on + datetime.timedelta(days=days)

    def results_open(self, today: datetime.date | None = None) -> bool:
        """After closing, a code opens its municipality's own results for a while."""
        today = today or datetime.date.today()
        return self.status == self.Status.CLOSED and today <= self.results_open_until()


class Invitation(models.Model):
    """One municipality in a wave's population: its size class then, and its answers.

    Municipalities that no longer exist (a wave about an earlier date) keep their CBS
    code and name here, without a link to today's register.
    """

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="invitations")
    cbs_code = models.CharField(max_length=6)
    name = models.CharField(max_length=120)
    municipality = models.ForeignKey(
        Municipality, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    size_class = models.CharField(max_length=60, blank=True)
    province = models.CharField(max_length=40, blank=True)
    email = models.EmailField(_("email address for the invitation"), blank=True)
    answers = models.JSONField(default=dict, blank=True)
    # What was typed but did not validate, by question code: kept so nothing typed is
    # lost and the page can show it again with its message. Never analysed.
    invalid_input = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    saved_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    receipt_email = models.EmailField(blank=True)
    imported = models.BooleanField(default=False)
    letter_sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["wave", "name"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["wave", "cbs_code"], name="one_invitation_per_code")
        ]
        indexes = [models.Index(fields=["wave", "submitted_at"], name="invitation_progress")]

    def __str__(self) -> str:
        return f"{self.wave}: {self.name}"

    @property
    def state(self) -> str:
        if self.submitted_at:
            return "submitted"
        if self.started_at:
            return "started"
        return "not_started"


class AccessCode(models.Model):
    """A code that opens one invitation's questionnaire. Only its SHA-256 is stored.

    Codes carry 128 random bits, so a fast hash is enough: guessing is hopeless, and a
    leaked table gives nothing back. A municipality may have several: the letter's, one
    per colleague it was forwarded to, one per reminder.
    """

    class Kind(models.TextChoices):
        LETTER = "letter", _("letter")
        DELEGATION = "delegation", _("forwarded to a colleague")
        REMINDER = "reminder", _("reminder")

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.LETTER)
    email = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("access code")
        verbose_name_plural = _("access codes")

    def __str__(self) -> str:
        return f"{self.invitation} ({self.get_kind_display()})"


class CodeAttempt(models.Model):
    """Code attempts counted for the lock-out, per key: ``client:<address>`` (attempts
    from one client, a valid code giving back its own place) or ``wave:<id>`` (wrong
    codes for one wave from everyone), within a window that starts at the first one.
    See ``services.check_code``."""

    key = models.CharField(max_length=100, unique=True)
    failures = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.failures}"
