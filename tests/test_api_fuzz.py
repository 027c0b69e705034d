"""Issue 10: property-based testing of the whole API against its OpenAPI document.

Schemathesis generates requests for every operation of ``/api/v1/openapi.json`` —
valid ones and, as often, invalid ones (wrong types, NUL bytes, huge numbers) — and
sends them in-process through the WSGI application to the test database with the
seeded data and the permission matrix's objects. Each request runs in a savepoint
that is rolled back, so every case sees the same database. Two checks must hold for
every case: no 5xx answer, and every documented answer matches its schema.

Authenticated as a contributor of Enschede (``Authorization: Token``), with the
municipality's access code (``X-Access-Code``) for the monitor's answers, so the
writes are exercised, not only the 401s. Half of the path parameters are known
objects (the contributor's own practice, partnership, question …), the others are
generated.

Selected with ``-m api_fuzz``; ``make test`` leaves it out (see ``addopts`` in
pyproject.toml) and ``.ci/run`` runs it on PostgreSQL. Bounded by
``KENNISSCHAKEL_FUZZ_EXAMPLES`` examples per operation (default 25).
"""

import contextlib
import os
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import schemathesis
from django.core.signals import got_request_exception, request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.core.permission_world import OTHER_CODE, OWN_CODE, build_world

pytestmark = [pytest.mark.api_fuzz, pytest.mark.django_db]

# What a failed check raises: an AssertionError or schemathesis' FailureGroup.
CHECK_FAILURES = (AssertionError, BaseExceptionGroup)
VAR = Path(__file__).resolve().parents[1] / "var"
MAX_EXAMPLES = int(os.environ.get("KENNISSCHAKEL_FUZZ_EXAMPLES", "25"))


@dataclass
class Findings:
    cases: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    last_exception: str = ""


def known_path_parameters(world) -> dict[str, dict]:
    """Path parameters that name real objects, by path template (without /api/v1)."""
    o = world.objects
    practice = o["draft_own"].slug
    wave = o["wave_open"].slug
    return {
        "/municipalities/{cbs_code}": {"cbs_code": OWN_CODE},
        "/former-municipalities/{code}": {"code": "GM0017"},
        "/size-schemes/{slug}": {"slug": "gib2009"},
        "/groupings/{slug}": {"slug": o["grouping"].slug},
        "/countries/{iso2}": {"iso2": "DE"},
        "/places/{id}": {"id": o["place"].pk},
        "/organisations/{slug}": {"slug": world.own.slug},
        "/practices/{slug}": {"slug": practice},
        "/practices/{slug}/adoptions": {"slug": o["published_other"].slug},
        "/partnerships/{slug}": {"slug": o["partnership_own"].slug},
        "/partnerships/{slug}/learning": {"slug": o["partnership_own"].slug},
        "/partnerships/{slug}/participation": {"slug": o["partnership_proposed"].slug},
        "/activities/{slug}": {"slug": o["activity_own"].slug},
        "/activities/{slug}/confirmation": {"slug": o["activity_confirmable"].slug},
        "/network-memberships/{id}": {"id": o["membership_own"].pk},
        "/reciprocity/{cbs_code}": {"cbs_code": OTHER_CODE},
        "/reciprocity/networks/{slug}": {"slug": world.network.slug},
        "/instruments/{slug}": {"slug": "gib"},
        "/waves/{slug}": {"slug": wave},
        "/waves/{slug}/invitations": {"slug": wave},
        "/waves/{slug}/report": {"slug": o["wave_closed"].slug},
        "/waves/{slug}/answers": {"slug": wave},
        "/waves/{slug}/answers/submit": {"slug": wave},
        "/questions/{id}": {"id": o["question_own"].pk},
        "/questions/{id}/matches": {"id": o["question_own"].pk},
        "/offers/{id}": {"id": o["offer_own"].pk},
        "/introductions/{id}": {"id": o["introduction_own"].pk},
    }


def strategy_for(operation, world):
    """Valid and invalid cases, half of them on known objects; always authenticated."""
    headers = {"Authorization": f"Token {world.tokens['contributor']}"}
    if "/answers" in operation.path:
        headers["X-Access-Code"] = world.codes["wave_open"]
    template = operation.path.removeprefix("/api/v1")
    known = known_path_parameters(world).get(template)
    strategies = []
    for mode in (
        schemathesis.GenerationMode.POSITIVE,
        schemathesis.GenerationMode.NEGATIVE,
    ):
        strategies.append(operation.as_strategy(generation_mode=mode, headers=headers))
        if known:
            strategies.append(
                operation.as_strategy(generation_mode=mode, headers=headers, path_parameters=known)
            )
    return st.one_of(strategies)


def _short(failure) -> list[str]:
    """A check failure in a few lines: what, where in the schema, which value."""
    lines = [line.strip() for line in str(getattr(failure, "message", "")).splitlines()]
    lines = [line for line in lines if line]
    kept = [f"{getattr(failure, 'title', type(failure).__name__)}: {lines[0] if lines else ''}"]
    for i, line in enumerate(lines):
        if line.startswith("Schema at") or line.startswith("Validated against"):
            kept.append(line)
        if line == "Value:" and i + 1 < len(lines):
            kept.append(f"value: {lines[i + 1][:200]}")
    return kept


def summary(case, response, error: Exception, last_exception: str) -> str:
    status = response.status_code if response is not None else "-"
    lines = [f"{case.method} {case.formatted_path} → {status}"]
    for failure in getattr(error, "exceptions", None) or [error]:
        lines += [f"    {line}" for line in _short(failure)]
    lines.append(f"    query={case.query!r} body={str(case.body)[:300]!r}")
    if last_exception:
        lines.append("    server traceback (last lines):")
        lines += [f"      {line}" for line in last_exception.strip().splitlines()[-6:]]
    return "\n".join(lines)


def run_operation(operation, world, findings: Findings) -> None:
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import response_schema_conformance

    checks = [not_a_server_error, response_schema_conformance]

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,  # the same cases on every run: CI stays reproducible
        phases=[Phase.explicit, Phase.generate],  # no shrinking: report the case as sent
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy_for(operation, world))
    def run(case):
        findings.cases += 1
        findings.last_exception = ""
        response = None
        try:
            with transaction.atomic():
                response = case.call()
                transaction.set_rollback(True)
            findings.statuses[response.status_code] = (
                findings.statuses.get(response.status_code, 0) + 1
            )
            case.validate_response(response, checks=checks)
        except CHECK_FAILURES as error:
            findings.failures.append(summary(case, response, error, findings.last_exception))
            raise

    with contextlib.suppress(*CHECK_FAILURES):  # recorded above; the next operation goes on
        run()


def test_the_api_holds_for_generated_requests(capsys):
    world = build_world()
    findings = Findings()

    def remember(sender, request=None, **kwargs):
        findings.last_exception = traceback.format_exc()

    got_request_exception.connect(remember, weak=False)
    # The WSGI handler would close the test's connection (and its transaction) after
    # each request, as it does in production; Django's test client avoids the same.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
        operations = [result.ok() for result in schema.get_all_operations()]
        for operation in operations:
            run_operation(operation, world, findings)
    finally:
        got_request_exception.disconnect(remember)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)

    with capsys.disabled():
        statuses = ", ".join(f"{code}: {n}" for code, n in sorted(findings.statuses.items()))
        print(
            f"\nschemathesis: {len(operations)} operations, {findings.cases} generated cases "
            f"(at most {MAX_EXAMPLES} per operation); answers {statuses}; "
            f"{len(findings.failures)} failing operations"
        )
    report = "\n\n".join(findings.failures)
    if findings.failures:
        (VAR / "schemathesis-failures.txt").write_text(report + "\n")
    assert not findings.failures, report
