"""What `kennisschakel serve` checks before it starts the production server.

An **error** makes `serve` refuse to start (exit status 78, EX_CONFIG, which the systemd
unit does not restart on): the site would be unsafe or broken for every visitor.

- the test mode is on (``KENNISSCHAKEL_TESTING``: no secure cookies, no HTTPS redirect);
- the secret key is the development key, or too short/simple (Django's security.W009);
- ``ALLOWED_HOSTS`` is empty or contains ``*`` (any Host header: poisoned links in
  password-reset emails, cache poisoning);
- any error of Django's checks with ``--deploy``, and these warnings of them: the debug
  mode (security.W018), no allowed hosts (security.W020) and no static files manifest
  (kennisschakel.W001: every page would lack its CSS and scripts);
- the database cannot be reached, or migrations are not applied (pages would fail on
  missing tables or columns).

A **warning** is printed and the server starts: the configuration is legitimate in some
set-ups. Django's other deploy warnings (e.g. no HTTPS redirect because the proxy does
it), email printed to the console instead of sent (no SMTP host), links in emails
pointing to the development address, and serving on the loopback address without
``KENNISSCHAKEL_TRUSTED_PROXIES`` (then every visitor shares the proxy's address for
lock-outs and throttles).

SQLite with several workers is neither: WAL mode lets readers and one writer work at
once from separate processes, and writers queue for up to 20 s (settings.py). It is
fine for one organisation; PostgreSQL for national use (docs/deployment.md).
"""

import os
from dataclasses import dataclass

from django.conf import settings
from django.core import checks

ERROR = "error"
WARNING = "warning"

# Django deploy-check warnings that are errors for a production server.
FATAL_CHECK_IDS = frozenset(
    {"security.W009", "security.W018", "security.W020", "kennisschakel.W001"}
)
DEVELOPMENT_KEY_PREFIX = "insecure-development-key-"
DEVELOPMENT_SITE_URL = "http://127.0.0.1:8000"
LOOPBACK_PREFIXES = ("127.", "localhost", "[::1]")


@dataclass(frozen=True)
class Problem:
    level: str
    message: str
    hint: str = ""

    @property
    def is_error(self) -> bool:
        return self.level == ERROR


def _secret_key() -> list[Problem]:
    if settings.SECRET_KEY.startswith(DEVELOPMENT_KEY_PREFIX):
        return [
            Problem(
                ERROR,
                "The secret key is the development key (KENNISSCHAKEL_SECRET_KEY is not set).",
                "Set KENNISSCHAKEL_SECRET_KEY to a long random value and keep it: "
                "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'",
            )
        ]
    return []


def _test_mode() -> list[Problem]:
    testing = os.environ.get("KENNISSCHAKEL_TESTING", "").strip().lower()
    if testing in {"1", "true", "yes", "on"}:  # as settings.env_flag reads it
        return [
            Problem(
                ERROR,
                "KENNISSCHAKEL_TESTING is set: the test mode switches off secure cookies "
                "and the HTTPS redirect.",
                "Remove KENNISSCHAKEL_TESTING from the environment of the server.",
            )
        ]
    return []


def _allowed_hosts() -> list[Problem]:
    if "*" in settings.ALLOWED_HOSTS:
        return [
            Problem(
                ERROR,
                "ALLOWED_HOSTS accepts any host ('*'): links in emails could point to an "
                "attacker's site.",
                "Set KENNISSCHAKEL_ALLOWED_HOSTS to the site's own host name(s).",
            )
        ]
    return []


def _django_deploy_checks() -> list[Problem]:
    problems = []
    for message in checks.run_checks(include_deployment_checks=True):
        if message.is_silenced() or message.level < checks.WARNING:
            continue
        fatal = message.level >= checks.ERROR or message.id in FATAL_CHECK_IDS
        problems.append(
            Problem(ERROR if fatal else WARNING, f"{message.id}: {message.msg}", message.hint or "")
        )
    return problems


def _database() -> list[Problem]:
    from kennisschakel.core.health import database_check

    try:
        state = database_check()
    except Exception as error:  # any driver's error: the operator needs to see it
        return [
            Problem(
                ERROR,
                f"The database cannot be reached: {type(error).__name__}: {error}".strip(),
                "Check DATABASE_URL and that the database server is running.",
            )
        ]
    if state["unapplied_migrations"]:
        return [
            Problem(
                ERROR,
                f"{state['unapplied_migrations']} database migration(s) not applied.",
                "Run `kennisschakel migrate --no-input` (after every upgrade).",
            )
        ]
    return []


def _email_and_links() -> list[Problem]:
    problems = []
    if not settings.EMAIL_HOST:
        problems.append(
            Problem(
                WARNING,
                "No SMTP host: emails (invitations, introductions, password resets) are "
                "printed to the log instead of sent.",
                "Set KENNISSCHAKEL_EMAIL_HOST (and _PORT, _USER, _PASSWORD, _USE_TLS).",
            )
        )
    if settings.KENNISSCHAKEL_SITE_URL.rstrip("/") == DEVELOPMENT_SITE_URL:
        problems.append(
            Problem(
                WARNING,
                f"Links in emails point to {DEVELOPMENT_SITE_URL}.",
                "Set KENNISSCHAKEL_SITE_URL to the site's public address (https://…).",
            )
        )
    return problems


def _proxy(bind: list[str]) -> list[Problem]:
    behind_proxy = bool(bind) and all(address.startswith(LOOPBACK_PREFIXES) for address in bind)
    if behind_proxy and not settings.TRUSTED_PROXIES:
        return [
            Problem(
                WARNING,
                "Serving on the loopback address (behind a reverse proxy?) without "
                "KENNISSCHAKEL_TRUSTED_PROXIES: every visitor shares the proxy's address "
                "for lock-outs and throttles.",
                "Set KENNISSCHAKEL_TRUSTED_PROXIES=127.0.0.1,::1 (the proxy's addresses).",
            )
        ]
    return []


def production_problems(bind: list[str]) -> list[Problem]:
    """Every problem of the current configuration for serving with debug off."""
    return [
        *_test_mode(),
        *_secret_key(),
        *_allowed_hosts(),
        *_django_deploy_checks(),
        *_database(),
        *_email_and_links(),
        *_proxy(bind),
    ]
