"""Access codes: made, stored as hashes only, checked with a lock-out against guessing."""

import base64
import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from kennisschakel.monitor.models import AccessCode, CodeAttempt, Invitation, Wave


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
    # is then skipped instead of replacing a code just printed (monitor/bulk/codes.py).
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
