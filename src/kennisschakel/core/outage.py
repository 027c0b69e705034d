"""When the database is gone (restarted, unreachable): 503 with Retry-After, never a 500.

A PostgreSQL restart cuts every connection and refuses new ones for a few seconds. A page
or autosave caught in that window should tell the browser to come back shortly, keep
what was typed (the autosave script retries; without JavaScript the browser's back button
still holds the form), and never be mistaken for a bug.

Only errors that mean "no usable connection" count: the connection could not be made, or
was cut. A lock timeout, a cancelled statement or SQLite's "no such table" leave the
connection working and stay ordinary server errors.

The middleware's ``process_exception`` covers errors raised in views (and in templates
they render). ``server_error`` (settings' ``handler500``) covers the rest: an error in
another middleware, such as a session or an account lock-out lookup, reaches Django's
500 handler, which answers 503 in the same way.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults

from kennisschakel.core.api.middleware import API_PREFIX
from kennisschakel.core.api.problems import PROBLEM_CONTENT_TYPE, problem_body

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5

# SQLSTATEs that say the server ended or refused the session: connection exceptions
# (class 08) and operator intervention other than a cancelled statement (57P01 admin
# shutdown, 57P02 crash shutdown, 57P03 cannot connect now, 57P05 idle session timeout).
_LOST_CONNECTION_STATES = ("08", "57P01", "57P02", "57P03", "57P05")
# SQLite's word for a database file that cannot be opened (missing directory, no access).
_SQLITE_UNREACHABLE = "unable to open database file"


def is_database_unavailable(error: BaseException) -> bool:
    """True when ``error`` means no working database connection, not a failed statement."""
    if isinstance(error, InterfaceError):
        return True  # "connection already closed": used after it was lost
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__ or error
    state = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    if state and state.startswith(_LOST_CONNECTION_STATES):
        return True
    if _SQLITE_UNREACHABLE in str(cause):
        return True
    # A failed connect leaves no connection (psycopg gives no SQLSTATE then); a cut one is
    # marked closed by the driver. Either way nothing is left to run the next statement.
    return any(_connection_lost(wrapper) for wrapper in connections.all(initialized_only=True))


def _connection_lost(wrapper) -> bool:
    raw = wrapper.connection
    if raw is None:
        return True
    return bool(getattr(raw, "closed", False))  # psycopg 3: bool; psycopg2: int; sqlite3: none


def drop_lost_connections() -> None:
    """Close connections the driver knows are dead, so the next query opens a new one.

    Django does this at the end of every request too (``close_old_connections``), but not
    where that signal is not wired (the test client, commands). Closing a dead connection
    needs no round trip; inside an atomic block Django marks the transaction as broken.
    """
    for wrapper in connections.all(initialized_only=True):
        if wrapper.connection is not None and _connection_lost(wrapper):
            try:
                wrapper.close()
            except (OperationalError, InterfaceError):
                wrapper.connection = None


def _wants_json(request) -> bool:
    accept = request.headers.get("Accept", "")
    return request.path.startswith(API_PREFIX) or ("json" in accept and "text/html" not in accept)


def outage_response(request) -> HttpResponse:
    """The 503 answer, made without the database: no session, user or messages."""
    drop_lost_connections()
    if _wants_json(request):
        response = JsonResponse(
            problem_body(
                503,
                _(
                    "The service is briefly unavailable (the database cannot be reached). "
                    "Try again in a few seconds."
                ),
                request.get_full_path(),
            ),
            status=503,
            content_type=PROBLEM_CONTENT_TYPE,
        )
    else:
        # Rendered without the request: no context processor runs, so nothing reaches for
        # the session, the user or the messages (each would query the database).
        html = loader.render_to_string("503.html", {"path": request.path})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseOutageMiddleware:
    """Turn "the database cannot be reached" in a view into 503 + Retry-After.

    The status also keeps SessionMiddleware from saving the session (it saves only
    responses below 500), so the answer never needs the database on the way out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        logger.warning("Database unavailable during %s %s: %s", request.method, request.path,
                       exception)  # fmt: skip
        return outage_response(request)


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: a lost database outside a view is a 503 too; anything else a 500."""
    error = sys.exc_info()[1]
    if error is not None and is_database_unavailable(error):
        return outage_response(request)
    return defaults.server_error(request, template_name)
