"""The monitor: instruments, waves, one invitation (and access codes) per municipality, answers.

The questions themselves live in the instrument's definition (YAML, see
``docs/monitor-formats.md``) and are interpreted by the plain engine
:mod:`kennisschakel.engines.survey`; these models store who is asked, who may answer
and what was answered.
"""

import datetime
from functools import lru_cache

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kennisschakel.core.i18n import BilingualMixin
from kennisschakel.engines import survey
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
        """The parsed :class:`kennisschakel.engines.survey.Instrument` (cached per version)."""
        return engine_instrument(self)


@lru_cache(maxsize=32)
def _parsed(pk: int, version: str) -> survey.Instrument:
    return survey.load_instrument(Instrument.objects.get(pk=pk).definition)


def engine_instrument(instrument: Instrument) -> survey.Instrument:
    """The engine's instrument for a stored one; parsed once per version per process."""
    return _parsed(instrument.pk, instrument.updated_at.isoformat())


def local_today() -> datetime.date:
    """Today in the site's time zone: the one clock a wave's status follows (tests
    replace it; callers go through ``Wave.today()`` so that they see the replacement)."""
    return timezone.localdate()


class WaveQuerySet(models.QuerySet):
    """Waves by their effective status on a day (``Wave.status_q``: the rule in one place)."""

    def with_status(self, status: str, day: datetime.date | None = None):
        return self.filter(Wave.status_q(status, day))

    def open_on(self, day: datetime.date | None = None):
        return self.with_status(Wave.Status.OPEN, day)

    def closed_on(self, day: datetime.date | None = None):
        return self.with_status(Wave.Status.CLOSED, day)

    def in_preparation_on(self, day: datetime.date | None = None):
        return self.with_status(Wave.Status.DRAFT, day)


class Wave(models.Model):
    """One round of an instrument: who is asked (population on a date), when, in which classes.

    Its status follows its dates: in preparation before ``opens_on``, open from
    ``opens_on`` through ``closes_on``, closed after. A facilitator may override that
    (``status_override``: open now, until the closing date, or close now), recorded with
    who and when; "back to the dates" clears it. Nothing stores the status itself.
    """

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
    status_override = models.CharField(
        _("status set by hand"),
        max_length=10,
        blank=True,
        default="",
        choices=[(Status.OPEN, _("opened by hand")), (Status.CLOSED, _("closed by hand"))],
    )
    status_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status_override_at = models.DateTimeField(null=True, blank=True)
    # Set once, by the one conditional UPDATE that sends the "wave opened" / "wave closed"
    # notifications (services.announce_status): whoever comes second sends nothing.
    opened_announced_at = models.DateTimeField(null=True, blank=True)
    closed_announced_at = models.DateTimeField(null=True, blank=True)
    min_cell = models.PositiveSmallIntegerField(
        _("smallest group shown"),
        default=5,
        help_text=_("Figures about fewer respondents than this are not shown."),
    )
    # Printed on the letter, in the emails and under the questionnaire's pages: whom the
    # municipalities ask when the link or code does not work.
    helpdesk = models.CharField(
        _("helpdesk line"),
        max_length=200,
        blank=True,
        help_text=_(
            "Printed on the letters, in the emails and under the questionnaire, e.g. "
            "'Questions? Call 070 123 45 67 or email monitor@example.nl'."
        ),
    )
    # A practice wave holds fictitious answers (the demo's "Oefengolf"): labelled as such
    # wherever it is shown and left out of everything that shows real figures.
    is_practice = models.BooleanField(
        _("practice wave (fictitious answers)"),
        default=False,
        help_text=_("Its answers are invented: it is never counted with real waves."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = WaveQuerySet.as_manager()

    class Meta:
        ordering = ["-reference_date", "title"]
        verbose_name = _("wave")
        verbose_name_plural = _("waves")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("monitor:wave-detail", args=[self.slug])

    # ----------------------------------------------------------------- status

    @staticmethod
    def today() -> datetime.date:
        return local_today()

    @classmethod
    def status_q(cls, status: str, day: datetime.date | None = None, prefix: str = "") -> Q:
        """The waves whose effective status on ``day`` is ``status``, as a filter;
        ``prefix`` ("wave__") filters related rows. Mirrors :meth:`effective_status`."""
        day = day or cls.today()

        def q(**lookups) -> Q:
            return Q(**{prefix + name: value for name, value in lookups.items()})

        if status == cls.Status.CLOSED:
            return q(status_override=cls.Status.CLOSED) | q(closes_on__lt=day)
        if status == cls.Status.OPEN:
            return q(closes_on__gte=day) & (
                q(status_override=cls.Status.OPEN) | q(status_override="", opens_on__lte=day)
            )
        return q(status_override="", opens_on__gt=day, closes_on__gte=day)

    def effective_status(self, today: datetime.date | None = None) -> str:
        """In preparation, open or closed on ``today``: from the dates, unless overridden.
        An override to open lasts until the closing date; one to close, for good."""
        day = today or self.today()
        if self.status_override == self.Status.CLOSED or day > self.closes_on:
            return self.Status.CLOSED
        if self.status_override == self.Status.OPEN or day >= self.opens_on:
            return self.Status.OPEN
        return self.Status.DRAFT

    def status_by_dates(self, today: datetime.date | None = None) -> str:
        """What the dates alone say (what "back to the dates" gives)."""
        day = today or self.today()
        if day > self.closes_on:
            return self.Status.CLOSED
        return self.Status.OPEN if day >= self.opens_on else self.Status.DRAFT

    @property
    def status(self) -> str:
        """The effective status today (read-only: set dates or ``status_override``)."""
        return self.effective_status()

    def get_status_display(self) -> str:
        return self.Status(self.effective_status()).label

    def opening_day(self) -> datetime.date:
        """The day it opened (or opens): earlier than ``opens_on`` when opened by hand."""
        if self.status_override == self.Status.OPEN and self.status_override_at:
            return min(self.opens_on, timezone.localdate(self.status_override_at))
        return self.opens_on

    def closing_day(self) -> datetime.date:
        """The day it closed (or closes): earlier than ``closes_on`` when closed by hand."""
        if self.status_override == self.Status.CLOSED and self.status_override_at:
            return min(self.closes_on, timezone.localdate(self.status_override_at))
        return self.closes_on

    def is_answerable(self, today: datetime.date | None = None) -> bool:
        """Codes open the questionnaire only while the wave is open."""
        return self.effective_status(today) == self.Status.OPEN

    def results_open_until(self) -> datetime.date:
        """The last day a municipality's code still shows its own results (read-only):
        MONITOR_RESULTS_ACCESS_DAYS (default 365) after the closing date."""
        days = getattr(settings, "MONITOR_RESULTS_ACCESS_DAYS", 365)
        return self.closes_on + datetime.timedelta(days=days)

    def results_open(self, today: datetime.date | None = None) -> bool:
        """After closing, a code opens its municipality's own results for a while."""
        day = today or self.today()
        return self.effective_status(day) == self.Status.CLOSED and day <= self.results_open_until()


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
    # Token list (monitor/bulk/status.py): the last invitation email, and the last change of the
    # municipality's codes with the form that made it -- a code change from a page opened
    # before it is skipped (conditional update), so two facilitators pressing "new code"
    # at once leave one valid letter code, and a retried job may redo its own change.
    emailed_at = models.DateTimeField(null=True, blank=True)
    codes_changed_at = models.DateTimeField(null=True, blank=True)
    codes_changed_by = models.CharField(max_length=40, blank=True)

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


class ContactAddress(models.Model):
    """An email address of an invited municipality, added by a facilitator (or copied
    from ``Invitation.email``). ``bounced_at``: the mail server refused an email to it
    for good (SMTP 5xx on the recipient); adding the address again clears it."""

    invitation = models.ForeignKey(
        Invitation, on_delete=models.CASCADE, related_name="contact_addresses"
    )
    email = models.EmailField(_("email address"))
    added_at = models.DateTimeField(auto_now_add=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    bounced_at = models.DateTimeField(null=True, blank=True)
    bounce_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["invitation", "added_at", "pk"]
        verbose_name = _("contact address")
        verbose_name_plural = _("contact addresses")
        constraints = [
            models.UniqueConstraint(
                fields=["invitation", "email"], name="one_contact_address_per_invitation"
            )
        ]
        indexes = [models.Index(fields=["email"], name="contact_address_email")]

    def __str__(self) -> str:
        return self.email


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
