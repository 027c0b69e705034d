"""Answering: what was typed, normalised and stored under the invitation's row lock, and
submitted once."""

import math
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kennisschakel.engines import survey
from kennisschakel.monitor.models import Invitation
from kennisschakel.monitor.services.emails import send_receipt

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


def lock_invitation(invitation: Invitation) -> Invitation:
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
        current = lock_invitation(invitation)
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
        current = lock_invitation(invitation)
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
