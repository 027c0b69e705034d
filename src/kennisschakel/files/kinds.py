"""What can be made in the background, and who may have it.

A kind is registered by the app whose data it prints (monitor/pdfs.py,
partnerships/councilnote_jobs.py) and looked up by name when a worker runs the job, so
``KINDS`` names the modules to import; nothing here knows about monitors or notes.

Each kind says:
* ``title(job)``: what the job page calls the file (in the active language);
* ``filename(job)``: the download's name;
* ``make(job, progress)``: the file's bytes, calling ``progress(done, total, line)``
  as it goes (runs in the worker, never in a request);
* ``may_access(request, job)``: the same rule as the page the file comes from;
* ``shared``: whether everyone passing ``may_access`` shares one job (the report of a
  wave, the letters of a wave) or each requester has their own (a council note with
  the numbers they typed);
* ``source_url(job)``: the page to go back to.
"""

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

#: Modules that register kinds; imported on first look-up (in the web process and the worker).
KIND_MODULES = [
    "kennisschakel.monitor.pdfs",
    "kennisschakel.monitor.bulk",
    "kennisschakel.partnerships.councilnote_jobs",
]

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class FileKind:
    name: str
    title: Callable
    filename: Callable
    make: Callable
    may_access: Callable
    source_url: Callable
    shared: bool = False
    content_type: str = "application/pdf"


_registry: dict[str, FileKind] = {}
_loaded = False


def register(kind: FileKind) -> FileKind:
    _registry[kind.name] = kind
    return kind


def get(name: str) -> FileKind:
    global _loaded
    if not _loaded:
        for module in KIND_MODULES:
            import_module(module)
        _loaded = True
    try:
        return _registry[name]
    except KeyError:
        raise LookupError(f"unknown file kind {name!r}") from None
