"""The steps of ``kennisschakel seed``, registered by the apps that own the data.

Core knows no app: each app's ``AppConfig.ready()`` registers its steps here and the
``seed`` command runs them by stage, then by ``order``:

* ``reference`` — reference data every installation needs (also with ``--no-demo``);
  a step reports one line per table through :meth:`Seeding.table`.
* ``demo`` — demo data to try Kennisschakel out (left out by ``--no-demo``); a step
  reports through :meth:`Seeding.demo` (the short line and the ``-v 2`` lines) and
  :meth:`Seeding.note` (lines every run prints after them).
* ``indexes`` — derived indexes saved once for every worker; a step writes directly.

Orders leave gaps so an app can place a step between two others: demo users first
(register's organisations exist), practices before their contact points.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

STAGES = ("reference", "demo", "indexes")

_COUNTS = re.compile(r"(\d+) new, (\d+) updated")


@dataclass(frozen=True)
class SeedStep:
    name: str
    stage: str
    order: int
    function: Callable[["Seeding"], None]


_steps: dict[str, SeedStep] = {}


def register_seed_step(name: str, function: Callable[["Seeding"], None], *, stage: str, order: int):
    """Add (or, under the same name, replace) a step; ``function(seeding)`` runs it."""
    if stage not in STAGES:
        raise ValueError(f"unknown seed stage {stage!r}; one of {', '.join(STAGES)}")
    _steps[name] = SeedStep(name, stage, order, function)
    return function


def steps(stage: str) -> list[SeedStep]:
    return sorted((s for s in _steps.values() if s.stage == stage), key=lambda s: s.order)


class Seeding:
    """What the steps of one ``seed`` run report, and where direct output goes."""

    def __init__(self, stdout, detail: bool):
        self.stdout = stdout  # for call_command(..., stdout=seeding.stdout)
        self.detail = detail
        self.tables: list[str] = []
        self.details: list[str] = []
        self.summary: list[str] = []
        self.notes: list[str] = []

    def table(self, line: str) -> None:
        """A reference table: '  name: N new, M updated, K unchanged'."""
        self.tables.append(line)

    def demo(self, detail: str | None = None, summary: str | None = None) -> None:
        """A line for ``-v 2`` and/or a part of the short 'Demo data (…): …' line."""
        if detail is not None:
            self.details.append(detail)
        if summary is not None:
            self.summary.append(summary)

    def note(self, line: str) -> None:
        """A line printed after the demo data at every verbosity."""
        self.notes.append(line)

    def write(self, line: str) -> None:
        self.stdout.write(line)


def changes(reports: list[str]) -> str:
    """'12 new, 3 updated' summed over loader reports ('… N new, M updated, K unchanged')."""
    new = updated = 0
    for report in reports:
        found = _COUNTS.search(report)
        if found:
            new += int(found.group(1))
            updated += int(found.group(2))
    if not new and not updated:
        return "up to date"
    return f"{new} new, {updated} updated"
