"""The /health checks and the rebuild tasks in plain words for the status page.

The checks' figures (core/health.py and the checks registered by the apps) become
labelled rows; a check this page does not know yet is still shown, with its raw figures.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks.base import TaskResultStatus

from kennisschakel.core.status import rebuilds

CHECK_TITLES = {
    "database": gettext_lazy("Database"),
    "tasks": gettext_lazy("Task queue"),
    "search_index": gettext_lazy("Search index"),
    "match_index": gettext_lazy("Match index"),
}

STATUS_LABELS = {
    TaskResultStatus.READY: gettext_lazy("queued"),
    TaskResultStatus.RUNNING: gettext_lazy("running"),
    TaskResultStatus.SUCCESSFUL: gettext_lazy("done"),
    TaskResultStatus.FAILED: gettext_lazy("failed"),
}


# The checks' reasons (core/health.py and the apps' checks) in words for this page.
ERRORS = {
    "no saved index (run: kennisschakel rebuild_index)": gettext_lazy(
        "There is no saved search index yet: rebuild it."
    ),
    "no saved match index (run: kennisschakel rebuild_match_index)": gettext_lazy(
        "There is no saved match index yet: rebuild it."
    ),
    "built from another database": gettext_lazy(
        "The saved index was built from another database: rebuild it."
    ),
    "built by another version; rebuild": gettext_lazy(
        "The saved index was built by another version of the software: rebuild it."
    ),
}


@dataclass
class Section:
    name: str
    title: str
    ok: bool
    rows: list[tuple[str, str]] = field(default_factory=list)
    error: str = ""


def duration(seconds) -> str:
    """'3 minutes' (localised); '–' for none."""
    if not seconds:
        return "–"
    if seconds < 60:
        return _("less than a minute")
    now = timezone.now()
    return timesince(now - timedelta(seconds=float(seconds)), now)


def _number(value) -> str:
    return "–" if value is None else str(value)


def _rows(name: str, figures: dict) -> list[tuple[str, str]]:
    if name == "database":
        return [
            (_("Kind"), figures.get("vendor", "–")),
            (_("Response time"), f"{figures['latency_ms']} ms" if "latency_ms" in figures else "–"),
            (_("Migrations not yet applied"), _number(figures.get("unapplied_migrations"))),
        ]
    if name == "tasks":
        return [
            (_("Tasks waiting for a worker"), _number(figures.get("ready"))),
            (_("Longest wait"), duration(figures.get("oldest_ready_age_seconds"))),
            (_("Tasks failed in the last 24 hours"), _number(figures.get("failed_last_24h"))),
            (_("Emails waiting to be sent"), _number(figures.get("emails_queued"))),
            (_("Emails that could not be sent"), _number(figures.get("emails_failed"))),
        ]
    if name == "search_index":
        return [
            (_("Generation"), figures.get("generation") or "–"),
            (_("Built"), _ago(figures.get("base_age_seconds"))),
            (_("Practices changed since"), _number(figures.get("changes_since"))),
        ]
    if name == "match_index":
        return [
            (_("Generation"), figures.get("generation") or "–"),
            (_("Built"), _ago(figures.get("age_seconds"))),
            (_("Changes since"), _number(figures.get("pending_changes"))),
        ]
    return [(key, str(value)) for key, value in figures.items() if key not in ("ok", "error")]


def _ago(seconds) -> str:
    if seconds is None:
        return "–"
    if seconds < 60:
        return _("just now")
    return _("%(duration)s ago") % {"duration": duration(seconds)}


def sections(results: dict[str, dict]) -> list[Section]:
    return [
        Section(
            name=name,
            title=str(CHECK_TITLES.get(name, name)),
            ok=figures["ok"],
            rows=_rows(name, figures),
            error=str(ERRORS.get(figures.get("error", ""), figures.get("error", ""))),
        )
        for name, figures in results.items()
    ]


def task_label(task_path: str) -> str:
    return str(rebuilds.TASK_LABELS.get(task_path, task_path.rsplit(".", 1)[-1]))


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def outcome(result) -> str:
    """What a finished rebuild made: its generation and size."""
    value = result.return_value if isinstance(result.return_value, dict) else {}
    if not value.get("generation"):
        return ""
    size = value.get("documents", value.get("candidates"))
    if size is None:
        return _("generation %(generation)s") % value
    return _("generation %(generation)s, %(size)s items") % {
        "generation": value["generation"],
        "size": size,
    }
