"""What can be made in the background, and who may have it.

A kind is registered by the app whose data it prints (monitor/pdfs.py,
partnerships/councilnote_jobs.py) and looked up by name when a worker runs the job. An
app names its modules that register kinds in its ``AppConfig.file_kind_modules``; they
are imported on the first look-up (in the web process and the worker), so nothing here
knows about monitors or notes, and ``files`` depends on no app that makes files.

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

from django.apps import apps

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


def kind_modules() -> list[str]:
    """The modules that register kinds, as the installed apps name them."""
    return [
        module
        for config in apps.get_app_configs()
        for module in getattr(config, "file_kind_modules", ())
    ]


def get(name: str) -> FileKind:
    global _loaded
    if not _loaded:
        for module in kind_modules():
            import_module(module)
        _loaded = True
    try:
        return _registry[name]
    except KeyError:
        raise LookupError(f"unknown file kind {name!r}") from None
