"""Where a new exchange can start from: other apps register a source of prefilled values.

An app that holds something an exchange follows from (the matcher's accepted
introduction) registers a source under the request parameter naming it. The activity
form then starts from what that source already knows, while partnerships imports
nothing of the app that registered it.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ActivitySource:
    #: Request parameter (GET or POST) naming the source row; also the template's name
    #: for the row.
    name: str
    #: ``(request, organisation) -> row or None``: the row the request names, when the
    #: organisation may start an exchange from it.
    lookup: Callable
    #: ``(row, organisation) -> dict``: initial values of the activity form.
    initial: Callable


_sources: dict[str, ActivitySource] = {}


def register_source(name: str, lookup: Callable, initial: Callable) -> None:
    _sources[name] = ActivitySource(name, lookup, initial)


def prefill(request, organisation) -> tuple[dict, dict]:
    """``(initial values, {source name: row or None})`` for a new exchange's form."""
    initial, rows = {}, {}
    for source in _sources.values():
        row = source.lookup(request, organisation)
        rows[source.name] = row
        if row is not None:
            initial.update(source.initial(row, organisation))
    return initial, rows
