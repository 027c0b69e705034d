"""Domain operations of the monitor (no HTTP): waves, codes, answering, submitting, reminders."""

import base64
import datetime
import hashlib
import logging
import math
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kennisschakel.core.background.outbox import queue_email
from kennisschakel.engines import survey
from kennisschakel.monitor.models import AccessCode, CodeAttempt, Invitation, Wave
from kennisschakel.register import models as register
from kennisschakel.register.services import municipality_codes_on, size_schemes

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------- population


def population_on(reference_date: datetime.date, scheme: register.SizeScheme) -> list[dict]:
    """The municipalities that existed on ``reference_date``, with size class and province.

    Today's municipalities are classified by their registered inhabitants; municipalities
    that have since merged away keep their name from the merger register and get no size
    class (the register holds no inhabitants for them), so they count in totals only.
    """
    codes = municipality_codes_on(reference_date)
    bands = next(s for s in size_schemes() if s.scheme.pk == scheme.pk)
    current = {
        m.cbs_code: m
        for m in register.Municipality.objects.select_related("province").filter(cbs_code__in=codes)
    }
    former = dict(
        register.Merger.objects.filter(old_code__in=codes - set(current)).values_list(
            "old_code", "old_name"
        )
    )
    rows = []
    for code in sorted(codes):
        municipality = current.get(code)
        if municipality is not None:
            size_class = bands.class_for(municipality.inhabitants)
            rows.append(
                {
                    "cbs_code": code,
                    "name": municipality.name,
                    "municipality": municipality,
                    "size_class": size_class.slug if size_class else "",
                    "province": municipality.province.name,
                }
            )
        else:
            rows.append({"cbs_code": code, "name": former.get(code, code), "municipality": None})
    return rows


def instrument_scheme(instrument) -> register.SizeScheme:
    """The size-class scheme the instrument's definition names (its tables use its classes)."""
    scheme = register.SizeScheme.objects.filter(
        slug=(instrument.definition or {}).get("size_scheme", "")
    ).first()
    if scheme is None:
        raise ValidationError(
            {
                "instrument": _(
                    "The size classes this questionnaire uses are not in the register; "
                    "ask the administrator to load the reference data."
                )
            }
        )
    return scheme


@transaction.atomic
def create_wave(values: dict, user=None) -> Wave:
    """A wave with one invitation per municipality of its population. Without a slug one
    is made from the title; the size-class scheme is the instrument's. Its status follows
    its dates from now on (``Wave.effective_status``)."""
    from kennisschakel.core.slugs import save_with_unique_slug
    from kennisschakel.monitor import schedule

    values = dict(values)
    if values["closes_on"] < values["opens_on"]:
        raise ValidationError({"closes_on": _("The closing date lies before the opening date.")})
    scheme = instrument_scheme(values["instrument"])
    if values.get("size_scheme") not in (None, scheme):
        raise ValidationError(
            {
                "size_scheme": _("This questionnaire uses the size classes of %(scheme)s.")
                % {"scheme": scheme}
            }
        )
    values["size_scheme"] = scheme
    wave = Wave(**values, created_by=user)
    if wave.slug:
        wave.full_clean()
        wave.save()
    else:
        wave.full_clean(exclude=["slug"])
        save_with_unique_slug(wave, wave.title, fallback="golf")
    Invitation.objects.bulk_create(
        [
            Invitation(wave=wave, **row)
            for row in population_on(wave.reference_date, wave.size_scheme)
        ]
    )
    schedule.announce_status(wave)  # created open (or closed): the invited hear of it
    return wave


# --------------------------------------------------------------------------- access codes


def new_code() -> str:
    """128 random bits as 26 base32 characters in groups: easy to type from a letter."""
    text = base64.b32encode(secrets.token_bytes(16)).decode().rstrip("=")
    return "-".join(text[i : i + 5] for i in range(0, len(text), 5))


def normalise_code(code: str) -> str:
    """What people type: lower case, spaces and dashes, O for 0 and I/L for 1 are forgiven."""
    text = "".join(ch for ch in code.upper() if ch.isalnum())
    return text.replace("0", "O").replace("1", "I")


def code_digest(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def issue_code(invitation: Invitation, kind: str = AccessCode.Kind.LETTER, email: str = "") -> str:
    """Create a code for one invitation and return it: the only time it is ever seen."""
    code = new_code()
    AccessCode.objects.create(
        invitation=invitation, digest=code_digest(code), kind=kind, email=email
    )
    return code


@transaction.atomic
def issue_letter_codes(wave: Wave) -> list[tuple[Invitation, str]]:
    """A fresh letter code for every municipality that has not submitted; earlier letter
    codes stop working (a lost batch of letters is replaced, not added to)."""
    invitations = list(wave.invitations.filter(submitted_at__isnull=True).order_by("name"))
    now = timezone.now()
    AccessCode.objects.filter(
        invitation__in=invitations, kind=AccessCode.Kind.LETTER, revoked_at__isnull=True
    ).update(revoked_at=now)
    issued = []
    codes = []
    for invitation in invitations:
        code = new_code()
        codes.append(AccessCode(invitation=invitation, digest=code_digest(code)))
        issued.append((invitation, code))
    AccessCode.objects.bulk_create(codes)
    # Stamped as a code change: a single "new code" from a page opened before this batch
    # is then skipped instead of replacing a code just printed (monitor/bulk.py).
    Invitation.objects.filter(pk__in=[i.pk for i in invitations]).update(
        letter_sent_at=now, codes_changed_at=now, codes_changed_by="all-letters"
    )
    return issued


class CodeRejected(Exception):
    """Why a code does not open the questionnaire; ``reason`` is one of 'locked' (this
    client tried too many wrong codes), 'wave_locked' (this wave is being guessed at
    and this client already typed a wrong code), 'closed', 'revoked' (a real code of
    this wave that was replaced or withdrawn) or 'unknown'.
    ``retry_after``: seconds until a locked-out client may try again."""

    def __init__(self, reason: str, retry_after: int | None = None):
        self.reason = reason
        self.retry_after = retry_after
        super().__init__(reason)


# Lock-out of code guessing
# -------------------------
# Codes carry 128 random bits, so guessing is hopeless; the limits below keep it that way
# cheaply, without letting one client lock out everyone else:
#
# * per client (``client_ip``, which honours TRUSTED_PROXIES): at most
#   MONITOR_CODE_FAILURE_LIMIT (10) wrong codes in a window of MONITOR_CODE_LOCKOUT_MINUTES
#   (30), whichever waves they were for. The window starts at the first wrong code; the
#   client is refused until it ends. A valid code does not wipe the series: an attacker
#   cannot keep guessing by interleaving a code of his own.
# * per wave: wrong codes from all clients together are counted too. Past
#   MONITOR_CODE_WAVE_FAILURE_LIMIT (100) in the window the wave is being guessed at from
#   many addresses; then a client that already typed a wrong code in its window is
#   refused without its code being looked up ('wave_locked'), while a client with a clean
#   record still gets its try. A municipality that types its code right is never locked
#   out by what others do; a distributed guesser gets one guess per address per window.
# * race-free: one client's attempts queue on its counter row (``select_for_update``,
#   and SQLite's IMMEDIATE transactions) from the lock-out check to the recorded
#   failure, so parallel requests can never have more codes looked up than the limit.
#   Valid codes take the same short queue and are never refused for being parallel.


def _lockout_window() -> datetime.timedelta:
    return datetime.timedelta(minutes=getattr(settings, "MONITOR_CODE_LOCKOUT_MINUTES", 30))


def _client_limit() -> int:
    return getattr(settings, "MONITOR_CODE_FAILURE_LIMIT", 10)


def _wave_limit() -> int:
    return getattr(settings, "MONITOR_CODE_WAVE_FAILURE_LIMIT", 100)


def _client_key(client: str) -> str:
    return f"client:{client or 'unknown'}"


def _wave_key(wave: Wave) -> str:
    return f"wave:{wave.pk}"


def _current_failures(attempt: CodeAttempt, now: datetime.datetime) -> int:
    """Failures in the running window (0 when it has ended or never started)."""
    started = attempt.window_started_at
    if started is None or now - started >= _lockout_window():
        return 0
    return attempt.failures


def _seconds_left(attempt: CodeAttempt, now: datetime.datetime) -> int:
    ends = (attempt.window_started_at or now) + _lockout_window()
    return max(1, int((ends - now).total_seconds()))


def _count_failure(key: str, now: datetime.datetime) -> None:
    """One more failure for ``key`` (atomic; a window that has ended starts again)."""
    CodeAttempt.objects.get_or_create(key=key)
    expired = Q(window_started_at__isnull=True) | Q(window_started_at__lte=now - _lockout_window())
    CodeAttempt.objects.filter(expired, key=key).update(failures=0, window_started_at=now)
    CodeAttempt.objects.filter(key=key).update(failures=F("failures") + 1, last_failure_at=now)


def client_locked(client: str) -> bool:
    attempt = CodeAttempt.objects.filter(key=_client_key(client)).first()
    return bool(attempt and _current_failures(attempt, timezone.now()) >= _client_limit())


def check_code(wave: Wave, code: str, client: str) -> Invitation:
    """The invitation a code opens in this wave, or CodeRejected (see its reasons).

    A code works while the wave can be answered, and after it has closed for
    MONITOR_RESULTS_ACCESS_DAYS to see the municipality's own results (the caller
    decides what the code may do: :func:`code_phase`). See the lock-out notes above."""
    if code_phase(wave) == "closed":
        raise CodeRejected("closed")
    now = timezone.now()
    client_key = _client_key(client)
    CodeAttempt.objects.get_or_create(key=client_key)
    with transaction.atomic():
        attempt = CodeAttempt.objects.select_for_update().get(key=client_key)
        failures = _current_failures(attempt, now)
        if failures >= _client_limit():
            raise CodeRejected("locked", _seconds_left(attempt, now))
        if failures:
            wave_failures = CodeAttempt.objects.filter(
                key=_wave_key(wave), window_started_at__gt=now - _lockout_window()
            ).values_list("failures", flat=True)
            if sum(wave_failures) >= _wave_limit():
                raise CodeRejected("wave_locked", _seconds_left(attempt, now))
        access = (
            AccessCode.objects.select_related("invitation")
            .filter(digest=code_digest(code), invitation__wave=wave)
            .first()
        )
        if access is not None and access.revoked_at is not None:
            # A real code, replaced or withdrawn (an old letter or link): not a guess, so
            # not counted as one; the holder is told to use the newer code.
            raise CodeRejected("revoked")
        if access is None:
            if not failures:
                attempt.window_started_at = now  # the first wrong code opens a window
            attempt.failures = failures + 1
            attempt.last_failure_at = now
            attempt.save(update_fields=["failures", "window_started_at", "last_failure_at"])
            _count_failure(_wave_key(wave), now)
    if access is None:  # raised after the commit, so the failure stays counted
        raise CodeRejected("unknown")
    return access.invitation


def code_phase(wave: Wave, today: datetime.date | None = None) -> str:
    """What a valid code can do now: 'answer', 'results' (read-only: the municipality's
    own "where do we stand") or 'closed' (nothing)."""
    if wave.is_answerable(today):
        return "answer"
    if wave.results_open(today):
        return "results"
    return "closed"


# --------------------------------------------------------------------------- answering


ANSWER_MESSAGES = {
    # AnswerError codes of the engine → what the respondent reads.
    "required": lambda p: _("This question must be answered."),
    "not_an_option": lambda p: _("'%(value)s' is not one of the answers you can choose.") % p,
    "too_many_choices": lambda p: _("Choose at most %(max)s answers.") % p,
    "exclusive_combined": lambda p: _("'%(option)s' cannot be combined with other answers.") % p,
    "not_a_number": lambda p: _("'%(value)s' is not a number.") % p,
    "not_an_integer": lambda p: _("Give a whole number, not '%(value)s'.") % p,
    "too_many_decimals": lambda p: _("Give at most %(decimals)s decimals.") % p,
    "below_minimum": lambda p: _("The lowest answer possible is %(min)s.") % p,
    "above_maximum": lambda p: _("The highest answer possible is %(max)s.") % p,
    "too_long": lambda p: _("The answer is %(length)s characters; at most %(max_length)s fit.") % p,
    "unknown_column": lambda p: _("Unknown column '%(column)s'.") % p,
}


def answer_message(error: survey.AnswerError) -> str:
    params = {"value": "", "max": "", "option": "", "decimals": "", "min": "", "length": "",
              "max_length": "", "column": ""}  # fmt: skip
    params.update({k: v for k, v in (error.params or {}).items()})
    wording = ANSWER_MESSAGES.get(error.code)
    return wording(params) if wording else error.code


@dataclass
class SaveResult:
    saved: list[str]
    errors: dict[str, str]


#: The largest magnitude a number may have in a JSON value that every reader (a browser,
#: PostgreSQL, SQLite) keeps exactly: 2**53 - 1.
JSON_SAFE_INTEGER = 2**53 - 1


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple):
        return any(_has_nul(item) for item in value)
    return False


def _storable(value):
    """``value`` as JSON that every database stores: no NUL characters (PostgreSQL refuses
    them), no NaN or infinity, no integers beyond what JSON readers keep; such values are
    kept as their text, so what was typed can still be shown again."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    if isinstance(value, int):
        return value if abs(value) <= JSON_SAFE_INTEGER else str(value)[:100]
    if isinstance(value, list | tuple):
        return [_storable(item) for item in value]
    return str(value)[:1000]


@dataclass
class _Change:
    code: str
    value: object = None  # the engine value (None: not answered)
    invalid: object = None  # what was typed, when it is not valid
    error: str = ""


def _changes(instrument, raw: dict) -> list[_Change]:
    """Normalise what was sent, question by question (outside any lock)."""
    changes = []
    for code, value in raw.items():
        try:
            question = instrument.question(code)
        except (KeyError, TypeError):
            continue  # not a question of this instrument: ignore, never store
        if _has_nul(value):
            message = _("The answer contains a character that cannot be stored (a NUL byte).")
            changes.append(_Change(code, invalid=_storable(value), error=message))
            continue
        try:
            normalised = survey.normalise(question, value)
        except TypeError:
            changes.append(_Change(code, error=_("This kind of value cannot be an answer.")))
            continue
        except survey.AnswerError as error:
            if error.code != "required":
                changes.append(_Change(code, invalid=_storable(value), error=answer_message(error)))
                continue
            normalised = None
        changes.append(_Change(code, value=normalised))
    return changes


def _lock(invitation: Invitation) -> Invitation:
    """The invitation's row, locked until the transaction ends (the caller's is stale)."""
    return Invitation.objects.select_for_update().get(pk=invitation.pk)


def _refresh(target: Invitation, source: Invitation) -> None:
    for field in ("answers", "invalid_input", "started_at", "saved_at", "submitted_at",
                  "receipt_email"):  # fmt: skip
        setattr(target, field, getattr(source, field))


def save_answers(invitation: Invitation, raw: dict) -> SaveResult:
    """Store what was typed for some questions. Valid answers are saved; invalid ones are
    kept aside with their message, so nothing typed is lost. Saving twice is harmless.

    Several people may answer for one municipality at once (the letter's code, a
    reminder's, a colleague's): the row is locked and the answers merged question by
    question into what is stored *now*, so each saved answer is kept whatever the
    interleaving; for one question the last write wins. ``invitation`` is brought up to
    date with the stored state."""
    instrument = invitation.wave.instrument.engine()
    changes = _changes(instrument, raw)
    with transaction.atomic():
        current = _lock(invitation)
        if current.submitted_at:
            _refresh(invitation, current)
            raise ValidationError(_("These answers have been submitted and can no longer change."))
        for change in changes:
            if change.error:
                if change.invalid is not None:
                    current.invalid_input[change.code] = change.invalid
                continue
            current.invalid_input.pop(change.code, None)
            if survey.has_answer(change.value):
                current.answers[change.code] = change.value
            else:
                current.answers.pop(change.code, None)
        now = timezone.now()
        current.started_at = current.started_at or now
        current.saved_at = now
        current.save(update_fields=["answers", "invalid_input", "started_at", "saved_at"])
    _refresh(invitation, current)
    return SaveResult(
        [c.code for c in changes if not c.error], {c.code: c.error for c in changes if c.error}
    )


def missing_answers(invitation: Invitation) -> list[survey.Question]:
    instrument = invitation.wave.instrument.engine()
    return [
        instrument.question(code)
        for code in survey.missing_required(instrument, invitation.answers)
    ]


def submit(invitation: Invitation, receipt_email: str = "") -> bool:
    """Submit the answers: once. Returns True when this call submitted them and False
    when they had been submitted already (a double click, a second tab, a retry): then
    nothing changes and no second receipt goes out. The row lock makes parallel calls
    queue up, so exactly one of them submits; its receipt joins the outbox in the same
    transaction and is sent after commit."""
    with transaction.atomic():
        current = _lock(invitation)
        if current.submitted_at:
            _refresh(invitation, current)
            return False
        missing = missing_answers(current)
        if missing:
            raise ValidationError(
                _("%(count)s required questions have no answer yet.") % {"count": len(missing)}
            )
        if current.invalid_input:
            raise ValidationError(_("Some answers are not valid yet; correct them first."))
        current.submitted_at = timezone.now()
        current.receipt_email = receipt_email
        current.save(update_fields=["submitted_at", "receipt_email"])
        if receipt_email:
            send_receipt(current)
    _refresh(invitation, current)
    return True


# --------------------------------------------------------------------------- email


def _send(template: str, to: str, context: dict) -> None:
    """Put the email in the outbox, inside the caller's transaction (sent after commit)."""
    with translation.override("nl"):
        subject, _sep, body = render_to_string(template, context).partition("\n\n")
    queue_email(subject.strip(), body.strip() + "\n", [to])


def answer_url(wave: Wave) -> str:
    from django.urls import reverse

    return settings.KENNISSCHAKEL_SITE_URL.rstrip("/") + reverse(
        "monitor:answer-start", args=[wave.slug]
    )


def link_url(wave: Wave, code: str) -> str:
    """The personal link for a code: opening it is typing the code (``answering.open_link``).
    The code goes in without its dashes, so the link (and its QR code) stays short."""
    from django.urls import reverse

    return settings.KENNISSCHAKEL_SITE_URL.rstrip("/") + reverse(
        "monitor:answer-link", args=[wave.slug, normalise_code(code)]
    )


def send_receipt(invitation: Invitation) -> None:
    _send(
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
            _send(
                "monitor/email/invitation.txt",
                invitation.email,
                {"invitation": invitation, "wave": invitation.wave, "code": code,
                 "url": answer_url(invitation.wave), "link": link_url(invitation.wave, code)},
            )  # fmt: skip
            sent += 1
    return sent


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
        current = _lock(invitation)
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
        _send("monitor/email/delegation.txt", email, context)
    logger.info(
        "monitor forward: invitation=%s wave=%s municipality=%s to_domain=%s client=%s",
        current.pk,
        current.wave.slug,
        current.cbs_code,
        email.rpartition("@")[2].lower(),
        client or "unknown",
    )
    return code


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
        _send(
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


def close_wave(wave: Wave, user=None) -> Wave:
    """Close now, before the closing date (recorded; see ``schedule.set_override``)."""
    from kennisschakel.monitor import schedule

    return schedule.set_override(wave, Wave.Status.CLOSED, user)


# --------------------------------------------------------------------------- notifications


def notify_wave(wave: Wave, status: str | None = None) -> None:
    """In-app notifications for the people of the invited municipalities: an open wave
    invites those that have not submitted, a closed one has results for all invited.
    Called once per wave and status by ``schedule.announce_status``; the key makes a
    repeat a no-op for anyone notified already."""
    from django.urls import reverse

    from kennisschakel.notifications import services as notifications
    from kennisschakel.notifications.models import Kind as NotificationKind

    if wave.is_practice:  # fictitious answers: nobody is invited, nobody has results
        return
    status = status or wave.effective_status()
    invited = Invitation.objects.filter(wave_id=wave.pk, municipality__isnull=False)
    if status == Wave.Status.OPEN:
        kind, route = NotificationKind.MONITOR_INVITATION, "monitor:answer-start"
        invited = invited.filter(submitted_at__isnull=True)
    elif status == Wave.Status.CLOSED:
        kind, route = NotificationKind.MONITOR_RESULTS, "monitor:where-we-stand"
    else:
        return
    notifications.notify(
        kind,
        invited.values("municipality__organisation_id"),
        key=f"monitor:{wave.pk}:{status}",
        subject=wave.title,
        url=reverse(route, args=[wave.slug]),
    )


def connect_notifications() -> None:
    """Called from MonitorConfig.ready(): the status follows the dates, so the "opened" /
    "closed" notifications come from the hourly worker pass, the first page after the
    date, or the facilitator's override (schedule.py), each sent once."""
    from kennisschakel.monitor import schedule

    schedule.connect()
