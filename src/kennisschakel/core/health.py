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
