"""*Mijn Kennisschakel*: what waits for a user, contributed by each app.

``core`` knows no app. Each app registers its own sections from its ``waiting.py`` in its
``AppConfig.ready()`` with :func:`register`; the page (``core/mine.py``) and the menu
count (``core/context_processors.py``) only walk the registry.

A section answers two questions, both for one user and the time of their previous
visit (``since``, ``None`` on the first visit):

* ``collect(user, since) -> Part``: the rows to show (at most :data:`ROWS` of them), how
  many of them ask *this user* to act (``waiting``), and a link to the full list; one or
  two queries, never one per row.
* ``count(user, since) -> int`` (optional): the same ``waiting`` figure for the menu, in
  one cheap query. Sections without it are overviews (news, lists) and add nothing to
  the menu's number.

Each app applies its own rules (``<app>/rules.py``): a section shows only what the user's
own organisation may see, and counts as waiting only what the user may act on.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

ROWS = 10  # rows shown per section; the section's link leads to the rest


@dataclass
class Row:
    """One thing to look at or act on."""

    title: str
    url: str
    detail: str = ""  # a short line under the title: who, when, status
    new: bool = False  # new since the previous visit
    action: str = ""  # the link's verb when it asks to act ("Answer", "Confirm")
    lang: str = ""  # "nl" when the title is content written in Dutch (marked in English mode)


@dataclass
class Part:
    """What one section holds for one user."""

    rows: list[Row] = field(default_factory=list)
    waiting: int = 0  # how many ask this user to act (the menu counts these)
    total: int | None = None  # all rows when more exist than are shown
    more_url: str = ""
    more_label: str = ""
    note: str = ""  # e.g. why this user sees but cannot act

    @property
    def size(self) -> int:
        return self.total if self.total is not None else len(self.rows)

    @property
    def truncated(self) -> bool:
        return self.total is not None and self.total > len(self.rows)


def has_organisation(user) -> bool:
    return bool(getattr(user, "organisation_id", None))


@dataclass(frozen=True)
class Section:
    key: str
    order: int
    title: str  # a lazy translation
    empty: str  # plain words when there is nothing (lazy translation)
    collect: Callable[[object, datetime | None], Part]
    count: Callable[[object, datetime | None], int] | None = None
    applies: Callable[[object], bool] = has_organisation

    @property
    def asks_to_act(self) -> bool:
        return self.count is not None


_SECTIONS: dict[str, Section] = {}


def register(section: Section) -> Section:
    """Add (or replace, by key) a section; apps call this from ``AppConfig.ready()``."""
    _SECTIONS[section.key] = section
    return section


def sections() -> list[Section]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


def sections_for(user) -> list[Section]:
    return [s for s in sections() if s.applies(user)]


def collect(user, since: datetime | None) -> list[tuple[Section, Part]]:
    """Every section that applies to the user, with its rows."""
    return [(section, section.collect(user, since)) for section in sections_for(user)]


def waiting_count(user, since: datetime | None) -> int:
    """The menu's number: things that ask this user to act, one query per counting section."""
    return sum(
        section.count(user, since) for section in sections_for(user) if section.count is not None
    )


def first(queryset, limit: int = ROWS) -> tuple[list, int]:
    """Up to ``limit`` rows and the total: one query, a second only when the page is full."""
    rows = list(queryset[:limit])
    total = len(rows) if len(rows) < limit else queryset.count()
    return rows, total
