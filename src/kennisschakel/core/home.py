"""The home page's knowledge: figures and recent items, contributed by the apps.

``core`` knows no app (as for *Mijn Kennisschakel*, core/waiting.py). An app registers a
:class:`Contribution` from its own ``home.py`` in its ``AppConfig.ready()``; the home page
(``core/views.py``) only walks the registry.

A contribution answers, for the public (the home page shows only what anyone may see):

* ``figures() -> list[Figure]``: counts about knowledge (practices, lessons, adoptions,
  exchanges), in one or two queries, never one per row;
* ``recent() -> list[Group]``: a few recent items, one query per group;
* ``context() -> dict``: further template variables of ``core/home.html`` (the
  register's size line: ``register_counts``).

Labels are translated when these are called, so in the request's language.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Figure:
    """One number about the knowledge in the hub, with what it counts in words."""

    key: str
    value: int
    label: str  # "practices", already pluralised for value
    url: str = ""  # where the counted things are listed, if anywhere
    note: str = ""  # a short line under it ("12 taken over or adapted")
    order: int = 50  # place among all apps' figures (then the contributions' order)


@dataclass(frozen=True)
class Item:
    """A recent practice or lesson (or anything else worth a look)."""

    title: str
    url: str
    kind: str  # plain words: "practice", "lesson"
    who: str = ""  # the municipality or organisation it is from
    when: str = ""  # a year or a period ("2010–2011")
    summary: str = ""
    lesson: bool = False  # a lesson (learned from experience) rather than a practice
    negative: bool = False  # it says what did not work
    lang: str = "nl"  # the language of title and summary (content is Dutch)


@dataclass
class Group:
    key: str
    title: str
    items: list[Item] = field(default_factory=list)
    more_url: str = ""
    more_label: str = ""


@dataclass(frozen=True)
class Contribution:
    key: str
    order: int
    figures: Callable[[], list[Figure]] | None = None
    recent: Callable[[], list[Group]] | None = None
    context: Callable[[], dict] | None = None


_CONTRIBUTIONS: dict[str, Contribution] = {}


def register(contribution: Contribution) -> Contribution:
    """Add (or replace, by key) a contribution; apps call this from ``AppConfig.ready()``."""
    _CONTRIBUTIONS[contribution.key] = contribution
    return contribution


def contributions() -> list[Contribution]:
    return sorted(_CONTRIBUTIONS.values(), key=lambda c: (c.order, c.key))


def figures() -> list[Figure]:
    found = [f for c in contributions() if c.figures is not None for f in c.figures()]
    return sorted(found, key=lambda f: f.order)  # stable: equal orders keep theirs


def recent() -> list[Group]:
    return [g for c in contributions() if c.recent is not None for g in c.recent()]


def context() -> dict:
    found = {}
    for contribution in contributions():
        if contribution.context is not None:
            found.update(contribution.context())
    return found
