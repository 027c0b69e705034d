"""Changing a selection's codes: new letter codes, or every code withdrawn. Each change
is claimed by a conditional update, so a page opened before someone else's change skips
that municipality instead of undoing it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kennisschakel.monitor import services
from kennisschakel.monitor.models import AccessCode, Invitation, Wave


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
