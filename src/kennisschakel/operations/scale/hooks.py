"""After a bulk load: rebuild whatever derived indexes the tree keeps.

Bulk inserts bypass ``save_practice`` and the signals that keep persisted indexes
current, so the generator ends with a full rebuild through the apps' own commands
(only those that exist in this tree: the benchmarks also run older trees).
"""

import io
import time

from django.core.management import call_command, get_commands

REBUILD_COMMANDS = ["rebuild_index", "rebuild_match_index"]


def after_bulk_load() -> list[str]:
    lines = []
    available = get_commands()
    for name in REBUILD_COMMANDS:
        if name not in available:
            continue
        started = time.perf_counter()
        out = io.StringIO()
        call_command(name, stdout=out)
        lines.append(
            f"  {name}: {time.perf_counter() - started:.1f} s  {out.getvalue().strip()[:200]}"
        )
    return lines
