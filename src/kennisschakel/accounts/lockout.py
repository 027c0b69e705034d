"""Brute-force protection for logging in, on top of django-axes.

- **One key per person and client.** Axes counts failures per (email address,
  client IP). The address is normalised (:func:`lockout_username`), so
  ``Internationaal@…`` and ``internationaal@…`` share one counter; the client is
  :func:`kennisschakel.core.clientip.client_ip`, which believes
  ``X-Forwarded-For`` only from ``TRUSTED_PROXIES``.
- **A ceiling per account.** Guessing one account's password from many addresses
  is stopped at ``KENNISSCHAKEL_ACCOUNT_FAILURE_LIMIT`` failures across all clients
  (higher than the per-client limit, so one noisy client cannot lock out the owner).
- **Race-free.** Axes checks the count before the password and records the
  failure after it; parallel requests could all pass the check.
  :func:`one_attempt_at_a_time` serialises the attempts for one address, so at
  most the limit is ever evaluated.
- **Clear answers.** A locked-out browser gets the lock-out page, an API client
  application/problem+json (429 with ``Retry-After``).
"""

import fcntl
import hashlib
from contextlib import contextmanager, nullcontext
from pathlib import Path

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Sum
from django.shortcuts import render
from django.utils.translation import gettext as _

from kennisschakel.accounts.models import normalise_email
from kennisschakel.core.api.problems import problem_response

USERNAME_KEYS = ("username", "email")


def lockout_username(request, credentials=None) -> str | None:
    """AXES_USERNAME_CALLABLE: the normalised address an attempt was made for."""
    for key in USERNAME_KEYS:
        value = (credentials or {}).get(key)
        if value:
            return normalise_email(value)
    data = getattr(request, "data", None) or getattr(request, "POST", None) or {}
    for key in USERNAME_KEYS:
        value = data.get(key) if hasattr(data, "get") else None
        if isinstance(value, str) and value:
            return normalise_email(value)
    return None


class AccountLockoutHandler(AxesDatabaseHandler):
    """Axes' database handler, plus a ceiling on one account's failures from all clients."""

    def get_failures(self, request, credentials=None) -> int:
        per_client = super().get_failures(request, credentials)
        if (
            self.account_failures(request, credentials)
            >= settings.KENNISSCHAKEL_ACCOUNT_FAILURE_LIMIT
        ):
            # Reported as the per-client limit, so every axes path treats it as a lock-out.
            return max(per_client, get_failure_limit(request, credentials))
        return per_client

    def account_failures(self, request, credentials=None) -> int:
        username = get_client_username(request, credentials)
        if not username:
            return 0
        recent = AccessAttempt.objects.filter(
            username=username, attempt_time__gte=get_cool_off_threshold(request)
        )
        return recent.aggregate(total=Sum("failures_since_start"))["total"] or 0


LOCK_STRIPES = 256  # lock files for SQLite; two addresses rarely share one, and if so, merely wait


def _lock_number(username: str) -> int:
    digest = hashlib.sha256(f"kennisschakel-login:{username}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def _advisory_lock(username: str):
    """PostgreSQL: a transaction-scoped advisory lock per address, across all processes.

    The transaction also holds axes' failure record until the lock is released, so
    the next attempt sees it. It blocks no other writes.
    """
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_lock_number(username)])
        yield


@contextmanager
def _file_lock(username: str):
    """SQLite: an exclusive lock on a small file per address stripe, across processes.

    Not a transaction: SQLite has one write lock for the whole database, and a
    password check takes a good fraction of a second that other writers should not
    wait for. Axes commits its failure record before the lock is released.
    """
    directory = Path(settings.VAR_DIR) / "locks"
    directory.mkdir(parents=True, exist_ok=True)
    stripe = _lock_number(username) % LOCK_STRIPES
    with open(directory / f"login-{stripe}.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def one_attempt_at_a_time(username: str | None):
    """Run one login attempt for this address at a time, from the check to the recorded failure."""
    if not username:
        return nullcontext()
    if connection.vendor == "postgresql":
        return _advisory_lock(username)
    return _file_lock(username)


def authenticate_serially(authenticate, username: str | None):
    """Call ``authenticate()`` under :func:`one_attempt_at_a_time`, keeping what it recorded.

    An exception inside PostgreSQL's atomic block would roll back axes' failure
    record, so the outcome (a result or an exception) is carried out of the block first.
    """
    outcome, error = None, None
    with one_attempt_at_a_time(normalise_email(username) if username else None):
        try:
            outcome = authenticate()
        except Exception as exc:  # noqa: BLE001 (re-raised below, after the commit)
            error = exc
    if error is not None:
        raise error
    return outcome


def forget_failures(username: str) -> None:
    """Lift the lock-out of an address (after its owner proved it by a password reset)."""
    AxesProxyHandler.reset_attempts(username=normalise_email(username))


def retry_after_seconds(request) -> int:
    cool_off = get_cool_off(request)
    return int(cool_off.total_seconds()) if cool_off else 3600


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: problem+json for the API, the lock-out page for people."""
    if request.path.startswith("/api/"):
        response = problem_response(
            request,
            429,
            _(
                "Too many failed attempts for this email address. Try again in an hour, "
                "or choose a new password with 'Forgot your password?' on the website."
            ),
        )
        response["Retry-After"] = str(retry_after_seconds(request))
        return response
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, status=429)
