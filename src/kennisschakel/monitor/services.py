"""Domain operations of the monitor (no HTTP): waves, codes, answering, submitting, reminders."""

import base64
import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kennisschakel import survey
from kennisschakel.monitor.models import AccessCode, CodeAttempt, Invitation, Wave
from kennisschakel.register import models as register
from kennisschakel.register.services import municipality_codes_on, size_schemes

#: Wrong codes in a row from one client before it is locked out, and for how long.
CODE_FAILURE_LIMIT = getattr(settings, "MONITOR_CODE_FAILURE_LIMIT", 10)
CODE_LOCKOUT = datetime.timedelta(minutes=getattr(settings, "MONITOR_CODE_LOCKOUT_MINUTES", 30))


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


@transaction.atomic
def create_wave(values: dict, user=None) -> Wave:
    """A wave with one invitation per municipality of its population."""
    if values["closes_on"] < values["opens_on"]:
        raise ValidationError({"closes_on": _("The closing date lies before the opening date.")})
    wave = Wave(**values, created_by=user)
    wave.full_clean()
    wave.save()
    Invitation.objects.bulk_create(
        [
            Invitation(wave=wave, **row)
            for row in population_on(wave.reference_date, wave.size_scheme)
        ]
    )
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
    Invitation.objects.filter(pk__in=[i.pk for i in invitations]).update(letter_sent_at=now)
    return issued


class CodeRejected(Exception):
    """Why a code does not open the questionnaire; ``reason`` is one of the codes below."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def client_locked(client: str) -> bool:
    attempt = CodeAttempt.objects.filter(client=client).first()
    return bool(
        attempt
        and attempt.failures >= CODE_FAILURE_LIMIT
        and attempt.last_failure_at
        and timezone.now() - attempt.last_failure_at < CODE_LOCKOUT
    )


def _record_failure(client: str) -> None:
    attempt, _created = CodeAttempt.objects.get_or_create(client=client)
    if attempt.last_failure_at and timezone.now() - attempt.last_failure_at >= CODE_LOCKOUT:
        attempt.failures = 0  # an old series does not count against a new one
    attempt.failures += 1
    attempt.last_failure_at = timezone.now()
    attempt.save(update_fields=["failures", "last_failure_at"])


def check_code(wave: Wave, code: str, client: str) -> Invitation:
    """The invitation a code opens in this wave, or CodeRejected('locked' | 'closed' |
    'unknown'). Ten wrong codes in a row from one client lock it out for a while,
    whichever waves they were for."""
    if client_locked(client):
        raise CodeRejected("locked")
    if not wave.is_answerable():
        raise CodeRejected("closed")
    access = (
        AccessCode.objects.select_related("invitation")
        .filter(digest=code_digest(code), invitation__wave=wave, revoked_at__isnull=True)
        .first()
    )
    if access is None:
        _record_failure(client)
        raise CodeRejected("unknown")
    CodeAttempt.objects.filter(client=client).delete()
    return access.invitation


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


@transaction.atomic
def save_answers(invitation: Invitation, raw: dict) -> SaveResult:
    """Store what was typed for some questions. Valid answers are saved; invalid ones are
    kept aside with their message, so nothing typed is lost. Saving twice is harmless."""
    if invitation.submitted_at:
        raise ValidationError(_("These answers have been submitted and can no longer change."))
    instrument = invitation.wave.instrument.engine()
    saved, errors = [], {}
    for code, value in raw.items():
        try:
            question = instrument.question(code)
        except KeyError:
            continue  # not a question of this instrument: ignore, never store
        try:
            normalised = survey.normalise(question, value)
        except TypeError:
            errors[code] = _("This kind of value cannot be an answer.")
            continue
        except survey.AnswerError as error:
            if error.code == "required":
                normalised = None
            else:
                errors[code] = answer_message(error)
                invitation.invalid_input[code] = value
                continue
        invitation.invalid_input.pop(code, None)
        if survey.has_answer(normalised):
            invitation.answers[code] = normalised
        else:
            invitation.answers.pop(code, None)
        saved.append(code)
    now = timezone.now()
    invitation.started_at = invitation.started_at or now
    invitation.saved_at = now
    invitation.save(update_fields=["answers", "invalid_input", "started_at", "saved_at"])
    return SaveResult(saved, errors)


def missing_answers(invitation: Invitation) -> list[survey.Question]:
    instrument = invitation.wave.instrument.engine()
    return [
        instrument.question(code)
        for code in survey.missing_required(instrument, invitation.answers)
    ]


@transaction.atomic
def submit(invitation: Invitation, receipt_email: str = "") -> Invitation:
    missing = missing_answers(invitation)
    if missing:
        raise ValidationError(
            _("%(count)s required questions have no answer yet.") % {"count": len(missing)}
        )
    if invitation.invalid_input:
        raise ValidationError(_("Some answers are not valid yet; correct them first."))
    invitation.submitted_at = timezone.now()
    invitation.receipt_email = receipt_email
    invitation.save(update_fields=["submitted_at", "receipt_email"])
    if receipt_email:
        transaction.on_commit(lambda: send_receipt(invitation))
    return invitation


# --------------------------------------------------------------------------- email


def _send(template: str, to: str, context: dict) -> None:
    with translation.override("nl"):
        subject, _sep, body = render_to_string(template, context).partition("\n\n")
    send_mail(subject.strip(), body.strip() + "\n", settings.DEFAULT_FROM_EMAIL, [to])


def answer_url(wave: Wave) -> str:
    from django.urls import reverse

    return settings.KENNISSCHAKEL_SITE_URL.rstrip("/") + reverse(
        "monitor:answer-start", args=[wave.slug]
    )


def send_receipt(invitation: Invitation) -> None:
    _send(
        "monitor/email/receipt.txt",
        invitation.receipt_email,
        {"invitation": invitation, "wave": invitation.wave},
    )


def send_letter_emails(issued: list[tuple[Invitation, str]]) -> int:
    sent = 0
    for invitation, code in issued:
        if invitation.email:
            _send(
                "monitor/email/invitation.txt",
                invitation.email,
                {"invitation": invitation, "wave": invitation.wave, "code": code,
                 "url": answer_url(invitation.wave)},
            )  # fmt: skip
            sent += 1
    return sent


def delegate(invitation: Invitation, email: str, note: str = "") -> str:
    """Forward the questionnaire to a colleague: a code of their own, by email."""
    if invitation.submitted_at:
        raise ValidationError(_("These answers have been submitted and can no longer change."))
    code = issue_code(invitation, AccessCode.Kind.DELEGATION, email)
    _send(
        "monitor/email/delegation.txt",
        email,
        {"invitation": invitation, "wave": invitation.wave, "code": code, "note": note,
         "url": answer_url(invitation.wave)},
    )  # fmt: skip
    return code


def send_reminders(wave: Wave) -> int:
    """Email a fresh code to every invited municipality with an address that has not
    submitted; the letter's code keeps working."""
    if not wave.is_answerable():
        raise ValidationError(_("Reminders can only be sent while the wave is open."))
    count = 0
    for invitation in wave.invitations.filter(submitted_at__isnull=True).exclude(email=""):
        code = issue_code(invitation, AccessCode.Kind.REMINDER, invitation.email)
        _send(
            "monitor/email/reminder.txt",
            invitation.email,
            {"invitation": invitation, "wave": wave, "code": code, "url": answer_url(wave)},
        )
        invitation.reminded_at = timezone.now()
        invitation.save(update_fields=["reminded_at"])
        count += 1
    return count


def close_wave(wave: Wave) -> Wave:
    wave.status = Wave.Status.CLOSED
    wave.save(update_fields=["status"])
    return wave
