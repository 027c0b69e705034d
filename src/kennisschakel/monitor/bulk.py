"""A wave's codes, one municipality at a time and all at once (no HTTP).

* The token list: per invitation its status (not invited, invited, started, submitted,
  bounced), last activity and contact addresses -- :func:`token_rows` (three queries
  whatever the number of rows) and :func:`export_csv` / :func:`export_xlsx` (no codes:
  only their hashes exist).
* Actions on a selection: new letter codes for a letter (:func:`issue_letters`, run by
  the worker that prints them), :func:`invalidate_codes`, :func:`resend_emails`,
  :func:`add_contact_address`.
* Bulk actions (all letters, all emails, reminders, closing): :func:`plan` counts what
  would happen for the confirmation page; the worker runs them as generated files with
  progress (``files`` app): letters give a PDF, the others a dispatch report (CSV), and
  each ends with an outcome line ("342 brieven, 120 e-mails verstuurd, …").
* Bounces: :func:`record_bounce`, connected to the outbox's ``email_refused`` signal.

Code changes are conditional updates: every change of a municipality's codes stamps
``codes_changed_at`` / ``codes_changed_by`` (the form that asked for it). A change
asked for from a page opened *before* the last change is skipped and reported, so two
facilitators pressing "new code" at once leave exactly one valid letter code, and a
retried job (same form) may redo its own change.
"""

from __future__ import annotations

import csv
import datetime
import inspect
import io
import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Value
from django.db.models import functions as fn
from django.db.models.expressions import Case, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kennisschakel.core.tabular import escape_formula
from kennisschakel.files.kinds import FileKind, register
from kennisschakel.monitor import rules, services
from kennisschakel.monitor.imports import practice_label
from kennisschakel.monitor.models import AccessCode, ContactAddress, Invitation, Wave

logger = logging.getLogger(__name__)

# --------------------------------------------------------------------------- statuses

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
    from django.db.models import Prefetch

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


# --------------------------------------------------------------------------- export

EXPORT_COLUMNS = [
    ("cbs_code", gettext_lazy("CBS code")),
    ("name", gettext_lazy("Municipality")),
    ("province", gettext_lazy("Province")),
    ("size_class", gettext_lazy("Size class")),
    ("status", gettext_lazy("Status")),
    ("last_activity", gettext_lazy("Last activity")),
    ("letter_sent_at", gettext_lazy("Letter")),
    ("emailed_at", gettext_lazy("Email")),
    ("reminded_at", gettext_lazy("Reminder")),
    ("started_at", gettext_lazy("Started")),
    ("submitted_at", gettext_lazy("Submitted")),
    ("live_codes", gettext_lazy("Valid codes")),
    ("addresses", gettext_lazy("Contact addresses")),
    ("bounced", gettext_lazy("Bounced addresses")),
]


def _moment(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def export_rows(wave: Wave, status: str | None = None) -> tuple[list[str], list[list]]:
    """The token list as a table: never a code (only hashes exist), the number of valid
    codes instead."""
    header = [str(label) for _key, label in EXPORT_COLUMNS]
    table = []
    for row in decorate(token_rows(wave, status)):
        table.append(
            [
                row.cbs_code,
                row.name,
                row.province,
                row.size_class,
                str(row.status_label),
                _moment(row.last_activity),
                _moment(row.letter_sent_at),
                _moment(row.emailed_at),
                _moment(row.reminded_at),
                _moment(row.started_at),
                _moment(row.submitted_at),
                row.live_codes,
                "; ".join(a.email for a in row.addresses),
                "; ".join(a.email for a in row.addresses if a.bounced_at),
            ]
        )
    return header, table


def export_csv(wave: Wave, status: str | None = None) -> str:
    header, table = export_rows(wave, status)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if wave.is_practice:  # as the response export (imports.export_csv): made-up answers
        writer.writerow([practice_label()])
    writer.writerow(header)
    for row in table:
        writer.writerow([escape_formula(cell) if isinstance(cell, str) else cell for cell in row])
    return out.getvalue()


def export_xlsx(wave: Wave, status: str | None = None) -> bytes:
    """Like the wave's response export: text cells stay text (a leading '=' never
    becomes a formula), numbers stay numbers."""
    from openpyxl import Workbook

    header, table = export_rows(wave, status)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "codes"
    top = 1
    if wave.is_practice:  # as the response export (imports.export_xlsx): made-up answers
        sheet.append([practice_label()])
        top = 2
    sheet.append(header)
    for excel_row, row in enumerate(table, start=top + 1):
        for position, value in enumerate(row, start=1):
            if value in ("", None):
                continue
            cell = sheet.cell(row=excel_row, column=position, value=escape_formula(value))
            if isinstance(value, str):
                cell.data_type = "s"
    sheet.freeze_panes = f"C{top + 1}"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- code changes


@dataclass
class Claimed:
    """Invitations whose codes this form may change now, and those skipped because
    someone changed them after the form's page was opened."""

    invitations: list[Invitation]
    skipped: list[Invitation] = field(default_factory=list)


def _claim(wave: Wave, ids, seen: datetime.datetime, form_id: str, now) -> Claimed:
    """One conditional UPDATE (inside the caller's transaction): rows unchanged since
    ``seen``, or last changed by this same form, are stamped as ours. On PostgreSQL a
    parallel claim waits for our row locks and then finds the rows changed; SQLite's
    IMMEDIATE transactions queue the writers."""
    wanted = Invitation.objects.filter(wave=wave, pk__in=list(ids))
    free = (
        Q(codes_changed_at__isnull=True)
        | Q(codes_changed_at__lt=seen)
        | Q(codes_changed_by=form_id)
    )
    wanted.filter(free).update(codes_changed_at=now, codes_changed_by=form_id)
    mine, skipped = [], []
    for invitation in wanted.defer("answers", "invalid_input").order_by("name", "cbs_code"):
        invitation.wave = wave  # letters and emails read it: no query per row
        ours = invitation.codes_changed_by == form_id and invitation.codes_changed_at == now
        (mine if ours else skipped).append(invitation)
    return Claimed(mine, skipped)


@dataclass
class Letters:
    letters: list[tuple[Invitation, str]]
    revoked: int
    skipped: list[Invitation]


def issue_letters(
    wave: Wave, ids, seen, form_id: str, *, revoke_all: bool = False, now=None
) -> Letters:
    """A new letter code for each invitation in ``ids`` that nobody changed since
    ``seen``: its earlier letter code stops working (``revoke_all``: every code of the
    municipality -- letter, emails, colleagues'), other municipalities keep theirs.
    Returns the codes to print: the only time they exist in plain text."""
    now = now or timezone.now()
    with transaction.atomic():
        claimed = _claim(wave, ids, seen, form_id, now)
        targets = claimed.invitations
        live = AccessCode.objects.filter(invitation__in=targets, revoked_at__isnull=True)
        if not revoke_all:
            live = live.filter(kind=AccessCode.Kind.LETTER)
        revoked = live.update(revoked_at=now)
        letters, rows = [], []
        for invitation in targets:
            code = services.new_code()
            rows.append(AccessCode(invitation=invitation, digest=services.code_digest(code)))
            letters.append((invitation, code))
        AccessCode.objects.bulk_create(rows)
        Invitation.objects.filter(pk__in=[i.pk for i in targets]).update(letter_sent_at=now)
    return Letters(letters, revoked, claimed.skipped)


def invalidate_codes(wave: Wave, ids, seen, form_id: str) -> tuple[int, list[Invitation]]:
    """Every valid code of these municipalities stops working (answers stay). Returns
    (codes revoked, municipalities skipped because changed since ``seen``)."""
    now = timezone.now()
    with transaction.atomic():
        claimed = _claim(wave, ids, seen, form_id, now)
        revoked = AccessCode.objects.filter(
            invitation__in=claimed.invitations, revoked_at__isnull=True
        ).update(revoked_at=now)
    return revoked, claimed.skipped


# --------------------------------------------------------------------------- emails


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
    services._send(template, address, _email_context(invitation, code))


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
    from kennisschakel.core.background.outbox import email_refused

    email_refused.connect(_email_refused, dispatch_uid="monitor-bounces")


# --------------------------------------------------------------------------- bulk plans

LETTERS, EMAILS, REMINDERS, CLOSE = "letters", "emails", "reminders", "close"
BULK_ACTIONS = (LETTERS, EMAILS, REMINDERS, CLOSE)


@dataclass
class Plan:
    """What a bulk action would do now, for its confirmation page."""

    action: str
    letters: int = 0
    invalidated: int = 0  # earlier letter codes that stop working
    already_have_letter: int = 0  # not printed (default mode): they have a valid one
    with_address: int = 0
    without_address: int = 0
    submitted: int = 0
    started: int = 0
    not_started: int = 0
    refusal: str = ""  # why it cannot be done now (then no button)

    @property
    def possible(self) -> bool:
        return not self.refusal


def _population(wave: Wave):
    """(invitation, has a valid letter code) for every invitation; three queries."""
    letter = AccessCode.objects.filter(
        invitation=OuterRef("pk"), revoked_at__isnull=True, kind=AccessCode.Kind.LETTER
    )
    rows = (
        Invitation.objects.filter(wave=wave)
        .defer("answers", "invalid_input")
        .annotate(has_letter=Exists(letter))
        .prefetch_related("contact_addresses")
        .order_by("name", "cbs_code")
    )
    rows = list(rows)
    for row in rows:
        row.wave = wave  # emails read it: no query per row
    return rows


def plan(wave: Wave, action: str, replace: bool = False) -> Plan:
    """Counts and refusal for a bulk action (letters: ``replace`` reprints every letter,
    invalidating the earlier ones; otherwise only municipalities without a valid letter
    code get one, and nothing is invalidated)."""
    result = Plan(action)
    rows = _population(wave)
    waiting = [row for row in rows if not row.submitted_at]
    result.submitted = len(rows) - len(waiting)
    result.started = sum(1 for row in waiting if row.started_at)
    result.not_started = len(waiting) - result.started
    status = wave.status
    if action == LETTERS:
        targets = waiting if replace else [row for row in waiting if not row.has_letter]
        result.letters = len(targets)
        result.invalidated = sum(1 for row in targets if row.has_letter)
        result.already_have_letter = 0 if replace else len(waiting) - len(targets)
    elif action in (EMAILS, REMINDERS):
        targets = waiting
    else:
        targets = []
    result.with_address = sum(1 for row in targets if deliverable(row))
    result.without_address = len(targets) - result.with_address
    if status == Wave.Status.CLOSED:
        result.refusal = _("The wave is closed: there is nothing left to invite anyone to.")
    elif action == LETTERS and not targets:
        result.refusal = (
            _("Every municipality that has not submitted already has a valid letter code.")
            if waiting
            else _("Every municipality has submitted.")
        )
    elif action == LETTERS and replace and status == Wave.Status.DRAFT:
        # In preparation the letters may already be in the post; replacing them all
        # would only make those useless before anyone could use them.
        result.refusal = _(
            "The wave is in preparation: nobody can have used the earlier letters yet, but "
            "they may already be in the post. Replacing them all would only make them "
            "useless. Reprint single letters in the code list instead."
        )
    elif action in (EMAILS, REMINDERS) and not result.with_address:
        result.refusal = _("None of the municipalities that have not submitted has a usable "
                           "email address. Add addresses in the code list first.")  # fmt: skip
    elif action == REMINDERS and status != Wave.Status.OPEN:
        result.refusal = _("Reminders can only be sent while the wave is open.")
    return result


def _targets(wave: Wave, action: str, replace: bool) -> list[Invitation]:
    rows = [row for row in _population(wave) if not row.submitted_at]
    if action == LETTERS and not replace:
        rows = [row for row in rows if not row.has_letter]
    return rows


# --------------------------------------------------------------------------- outcome lines


def outcome_line(letters=None, emails=0, without=0, skipped=0, revoked=None) -> str:
    """ "342 letters, 120 emails sent, 222 municipalities without an email address"."""
    parts = []
    if letters is not None:
        parts.append(ngettext("%(n)s letter", "%(n)s letters", letters) % {"n": letters})
    if emails is not None:  # None: no emails were meant (a reprinted letter)
        parts.append(ngettext("%(n)s email sent", "%(n)s emails sent", emails) % {"n": emails})
        parts.append(
            ngettext(
                "%(n)s municipality without an email address",
                "%(n)s municipalities without an email address",
                without,
            )
            % {"n": without}
        )
    if revoked:
        parts.append(
            ngettext("%(n)s earlier code invalidated", "%(n)s earlier codes invalidated", revoked)
            % {"n": revoked}
        )
    if skipped:
        parts.append(
            ngettext(
                "%(n)s skipped: its code was changed after the page was opened",
                "%(n)s skipped: their codes were changed after the page was opened",
                skipped,
            )
            % {"n": skipped}
        )
    return ", ".join(parts) + "."


# --------------------------------------------------------------------------- background jobs


def _job_wave(job) -> Wave:
    from kennisschakel.monitor.pdfs import job_wave

    return job_wave(job)


def _stamp(job) -> tuple[datetime.datetime, str]:
    seen = datetime.datetime.fromisoformat(job.parameters["seen"])
    return seen, job.parameters["form"]


def _print_and_mail(job, progress, wave, ids, *, revoke_all, email) -> tuple[bytes, str]:
    from kennisschakel.monitor.pdfs import letters_pdf

    seen, form_id = _stamp(job)
    progress(0, 0, _("Issuing new access codes…"))
    issued = issue_letters(wave, ids, seen, form_id, revoke_all=revoke_all)
    content = letters_pdf(wave, issued.letters, progress)
    # Emails only once the letters exist: a failure above leaves nobody with a code that
    # was neither printed nor sent (the job can be retried: same form, same claim).
    emails = without = 0
    if email:
        now = timezone.now()
        with transaction.atomic():
            rows = {
                row.pk: row
                for row in Invitation.objects.filter(
                    pk__in=[i.pk for i, _code in issued.letters]
                ).prefetch_related("contact_addresses")
            }
            for invitation, code in issued.letters:
                addresses = deliverable(rows[invitation.pk])
                if not addresses:
                    without += 1
                for address in addresses:
                    email_code(invitation, address, "monitor/email/invitation.txt", code)
                    emails += 1
            Invitation.objects.filter(
                pk__in=[pk for pk, row in rows.items() if deliverable(row)]
            ).update(emailed_at=now)
    note = outcome_line(
        len(issued.letters), emails if email else None, without, len(issued.skipped), issued.revoked
    )
    return content, note


def _make_bulk_letters(job, progress):
    wave = _job_wave(job)
    replace = bool(job.parameters.get("replace"))
    found = plan(wave, LETTERS, replace)
    if not found.possible:
        from kennisschakel.monitor.pdfs import FileRefused

        raise FileRefused(found.refusal)
    ids = [row.pk for row in _targets(wave, LETTERS, replace)]
    return _print_and_mail(job, progress, wave, ids, revoke_all=False, email=True)


def _make_selection_letters(job, progress):
    wave = _job_wave(job)
    if wave.status == Wave.Status.CLOSED:
        from kennisschakel.monitor.pdfs import FileRefused

        raise FileRefused(_("The wave is closed: there is nothing left to invite anyone to."))
    new_code = job.parameters.get("action") == "new_code"
    return _print_and_mail(
        job, progress, wave, job.parameters["invitations"], revoke_all=new_code, email=new_code
    )


def _report(rows: list[tuple[Invitation, str]]) -> bytes:
    """The dispatch report: per municipality what was done (never a code)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_("CBS code"), _("Municipality"), _("Outcome")])
    for invitation, what in rows:
        writer.writerow([invitation.cbs_code, escape_formula(invitation.name), what])
    return out.getvalue().encode("utf-8-sig")


def _make_bulk_emails(job, progress):
    """All emails or all reminders: in chunks of 20, each its own transaction (codes and
    outbox rows together), progress after each."""
    from kennisschakel.monitor.pdfs import FileRefused

    wave = _job_wave(job)
    action = job.parameters["action"]
    found = plan(wave, action)
    if not found.possible:
        raise FileRefused(found.refusal)
    targets = _targets(wave, action, False)
    template = (
        "monitor/email/reminder.txt" if action == REMINDERS else "monitor/email/invitation.txt"
    )
    stamp = "reminded_at" if action == REMINDERS else "emailed_at"
    report, emails, without = [], 0, 0
    total = len(targets)
    for start in range(0, total, 20):
        chunk = targets[start : start + 20]
        with transaction.atomic():
            now = timezone.now()
            for invitation in chunk:
                current = Invitation.objects.select_for_update().get(pk=invitation.pk)
                if current.submitted_at:
                    report.append((invitation, _("submitted meanwhile: no email")))
                    continue
                addresses = deliverable(invitation)
                if not addresses:
                    without += 1
                    report.append((invitation, _("no email address")))
                    continue
                for address in addresses:
                    email_code(invitation, address, template)
                    emails += 1
                Invitation.objects.filter(pk=invitation.pk).update(**{stamp: now})
                report.append((invitation, _("email to %(addresses)s")
                               % {"addresses": ", ".join(addresses)}))  # fmt: skip
        done = min(start + 20, total)
        progress(done, total, _("Emails ready: %(done)s of %(total)s municipalities.")
                 % {"done": done, "total": total})  # fmt: skip
    return _report(report), outcome_line(None, emails, without)


def close_wave(wave: Wave, user=None) -> Wave:
    """Close through the services (whatever closing records there: who, when)."""
    parameters = inspect.signature(services.close_wave).parameters
    if "user" in parameters:
        return services.close_wave(wave, user=user)
    return services.close_wave(wave)


def _make_close(job, progress):
    from kennisschakel.monitor.pdfs import FileRefused

    wave = _job_wave(job)
    if wave.status == Wave.Status.CLOSED:
        raise FileRefused(_("The wave is already closed."))
    progress(0, 1, _("Closing the wave…"))
    close_wave(wave, job.user)
    rows = _population(wave)
    report = [
        (row, _("submitted") if row.submitted_at
         else _("started, not submitted: not counted") if row.started_at
         else _("did not answer"))
        for row in rows
    ]  # fmt: skip
    submitted = sum(1 for row in rows if row.submitted_at)
    note = ngettext(
        "The wave is closed: %(submitted)s of %(total)s municipality submitted.",
        "The wave is closed: %(submitted)s of %(total)s municipalities submitted.",
        len(rows),
    ) % {"submitted": submitted, "total": len(rows)}
    return _report(report), note


def _runner(request, job) -> bool:
    return rules.may_run_waves(request.user)


def _title(label):
    return lambda job: label % {"wave": job.parameters.get("title", job.parameters.get("wave"))}


def _back(job) -> str:
    return reverse("monitor:wave-tokens", args=[job.parameters["wave"]])


register(
    FileKind(
        name="monitor-bulk-letters",
        title=lambda job: (
            _("All letters (PDF): %(wave)s") % {"wave": job.parameters.get("title", "")}
        ),
        filename=lambda job: f"brieven-{job.parameters['wave']}.pdf",
        make=_make_bulk_letters,
        may_access=_runner,
        source_url=_back,
        shared=True,
    )
)
register(
    FileKind(
        name="monitor-selection-letters",
        title=lambda job: ngettext(
            "%(count)s letter (PDF): %(wave)s", "%(count)s letters (PDF): %(wave)s",
            len(job.parameters.get("invitations", [])),
        ) % {"count": len(job.parameters.get("invitations", [])),
             "wave": job.parameters.get("title", "")},
        filename=lambda job: f"brieven-{job.parameters['wave']}-selectie.pdf",
        make=_make_selection_letters,
        may_access=_runner,
        source_url=_back,
        shared=True,
    )
)  # fmt: skip
register(
    FileKind(
        name="monitor-bulk-emails",
        title=lambda job: (
            _("Reminders: %(wave)s") if job.parameters.get("action") == REMINDERS
            else _("Emails with codes: %(wave)s")
        ) % {"wave": job.parameters.get("title", "")},
        filename=lambda job: f"verzendverslag-{job.parameters['wave']}.csv",
        make=_make_bulk_emails,
        may_access=_runner,
        source_url=_back,
        shared=True,
        content_type="text/csv; charset=utf-8",
    )
)  # fmt: skip
register(
    FileKind(
        name="monitor-close",
        title=lambda job: (
            _("Closing the wave: %(wave)s") % {"wave": job.parameters.get("title", "")}
        ),
        filename=lambda job: f"sluiting-{job.parameters['wave']}.csv",
        make=_make_close,
        may_access=_runner,
        source_url=lambda job: reverse("monitor:wave-detail", args=[job.parameters["wave"]]),
        shared=True,
        content_type="text/csv; charset=utf-8",
    )
)
