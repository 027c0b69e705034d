"""The sections of a municipality's page and an organisation's page, contributed by each app.

``core`` knows no app, and ``register`` (which owns the two pages) must not reach into
the apps above it. Each app registers its own sections from its ``sections.py`` in its
``AppConfig.ready()`` with :func:`register_section`; the register's views only walk the
registry (:func:`sections_for`). The same idea as *Mijn Kennisschakel*
(``core/waiting.py``).

A section is a function ``show(request, party) -> Shown | None``. ``party`` is a
``register.Municipality`` on a municipality's page and a ``register.Organisation`` on
an organisation's page (:func:`organisation_of` and :func:`municipality_of` give either
side without a query). It returns what to render, or ``None`` when it has nothing to
say on this page (for example the monitor on an organisation's page). A section:

* applies its own app's rules (``<app>/rules.py``) for what ``request.user`` may see;
* reads a bounded number of queries, never one per row: the pages' tests assert the
  total;
* renders a ``<section>`` with its own ``<h2>`` in its template; the template gets the
  section's context as ``section`` (and the page's own context: ``request``, ``user``).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

MUNICIPALITY = "municipality"
ORGANISATION = "organisation"
BOTH = frozenset({MUNICIPALITY, ORGANISATION})


@dataclass
class Shown:
    """What one section shows on one page for one visitor."""

    template: str
    context: dict = field(default_factory=dict)
    key: str = ""  # filled in by sections_for: the section's name (an anchor on the page)


@dataclass(frozen=True)
class PartySection:
    key: str
    order: int
    show: Callable[[object, object], Shown | None]
    pages: frozenset = BOTH  # on which pages it appears: MUNICIPALITY, ORGANISATION


_SECTIONS: dict[str, PartySection] = {}


def register_section(
    name: str,
    order: int,
    function: Callable[[object, object], Shown | None],
    pages: frozenset | set | tuple = BOTH,
) -> PartySection:
    """Add (or replace, by name) a section; apps call this from ``AppConfig.ready()``.

    ``order``: lower comes first (the register's own facts and contact point come
    before every section).
    """
    section = PartySection(key=name, order=order, show=function, pages=frozenset(pages))
    _SECTIONS[name] = section
    return section


def sections() -> list[PartySection]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


def organisation_of(party):
    """The organisation behind a municipality, or the organisation itself."""
    return getattr(party, "organisation", None) if is_municipality(party) else party


def municipality_of(party):
    """The municipality, or ``None`` on an organisation's page (the register's views
    send a municipality's organisation to the municipality's page)."""
    return party if is_municipality(party) else None


def is_municipality(party) -> bool:
    # By the model's name, so core imports no app; a Municipality has a CBS code.
    return party.__class__.__name__ == "Municipality"


def sections_for(request, party) -> list[Shown]:
    """What every section that applies shows for this visitor, in order."""
    page = MUNICIPALITY if is_municipality(party) else ORGANISATION
    shown = []
    for section in sections():
        if page not in section.pages:
            continue
        result = section.show(request, party)
        if result is not None:
            result.key = result.key or section.key
            shown.append(result)
    return shown


def context_of(shown: list[Shown], key: str) -> dict | None:
    """One section's context among those shown (tests and pages that need one of them)."""
    return next((s.context for s in shown if s.key == key), None)
