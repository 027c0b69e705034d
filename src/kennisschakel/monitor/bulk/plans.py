"""What a bulk action (all letters, all emails, reminders, closing) would do now, for its
confirmation page, and the outcome line it ends with."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kennisschakel.monitor.bulk.status import deliverable
from kennisschakel.monitor.models import AccessCode, Invitation, Wave

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


def bulk_population(wave: Wave):
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
    rows = bulk_population(wave)
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


def bulk_targets(wave: Wave, action: str, replace: bool) -> list[Invitation]:
    rows = [row for row in bulk_population(wave) if not row.submitted_at]
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
