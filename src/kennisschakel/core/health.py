"""The parts of the running service that `GET /health` reports on.

Each part registers a check with :func:`register` (the database here; the task queue
and the search and match indexes from where they live). A check returns a dict with
at least ``"ok": bool`` plus figures that explain it (counts, ages in seconds); it must
be cheap (a query or a file stat) because load balancers poll it every few seconds.
A check that raises counts as not ok, with the error's class name as the reason.
"""

from collections.abc import Callable

HealthCheck = Callable[[], dict]

_CHECKS: dict[str, HealthCheck] = {}


def register(name: str) -> Callable[[HealthCheck], HealthCheck]:
    def decorate(check: HealthCheck) -> HealthCheck:
        _CHECKS[name] = check
        return check

    return decorate


def registered() -> dict[str, HealthCheck]:
    return dict(_CHECKS)


def run_checks() -> tuple[bool, dict[str, dict]]:
    """Run every check; healthy only when every one is ok."""
    results: dict[str, dict] = {}
    for name, check in _CHECKS.items():
        try:
            result = dict(check())
        except Exception as error:  # a failing part must not take /health down with it
            result = {"ok": False, "error": type(error).__name__}
        result["ok"] = bool(result.get("ok"))
        results[name] = result
    return all(result["ok"] for result in results.values()), results


# ---------------------------------------------------------------------------- the database

# Once every migration is applied it stays so for the life of the process (new migrations
# arrive with new code, i.e. a restart), so the migration graph is read only until then.
_migrations_applied = False

STATEMENT_TIMEOUT_MS = 2000


def _select_one(connection) -> None:
    """SELECT 1, bounded: a stuck PostgreSQL answers 'canceled' after 2 s, not never."""
    from django.db import transaction

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # SET LOCAL ends with the transaction, so a kept connection is not changed.
            with transaction.atomic(using=connection.alias):
                cursor.execute(f"SET LOCAL statement_timeout = {STATEMENT_TIMEOUT_MS}")
                cursor.execute("SELECT 1")
                cursor.fetchone()
        else:
            cursor.execute("SELECT 1")
            cursor.fetchone()


def unapplied_migrations(connection) -> int:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def database_check(connection=None) -> dict:
    """Reachable (SELECT 1 within 2 s) and every migration applied (default database)."""
    global _migrations_applied
    from time import perf_counter

    from django.db import connections

    connection = connection or connections["default"]
    started = perf_counter()
    _select_one(connection)
    result = {
        "ok": True,
        "vendor": connection.vendor,
        "latency_ms": round((perf_counter() - started) * 1000, 1),
    }
    missing = 0 if _migrations_applied else unapplied_migrations(connection)
    _migrations_applied = missing == 0
    result["unapplied_migrations"] = missing
    result["ok"] = _migrations_applied
    return result


register("database")(database_check)
