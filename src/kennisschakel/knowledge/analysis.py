"""How a practice's text is analysed for search.

Proper names are protected (issue 12): the names of municipalities, organisations,
provinces, countries and places abroad in the register, and the parts of the world in
``engines/text/data/region_names.txt``, are never split into parts and a name of several
words is one term, so *wijk* finds no *Waalwijk* and *Wijk bij Duurstede* no text that
merely says *wijk*. The names are read from the register when a process first analyses a
text and again when an index is built (``refresh``); practices analysed under other names
(or an older analysis, see ``DutchAnalyzer.signature``) are analysed again when an index
is built.
"""

from django.db.models import Count, Max

from kennisschakel.engines.text.analysis import DutchAnalyzer
from kennisschakel.engines.text.lexicon import read_word_list
from kennisschakel.engines.text.search import SearchIndex
from kennisschakel.knowledge.models import Practice
from kennisschakel.knowledge.rendering import plain_text
from kennisschakel.register import models as register

# summary_en (optional English summary) has no weight of its own in the engine: it is
# scored in the shared "other fields" column. Empty fields add no terms, so practices
# without it keep exactly the search terms they had.
SEARCHED_FIELDS = ("title", "summary", "body", "negative_lessons", "summary_en")


def practice_fields(practice: Practice) -> dict[str, str]:
    fields = {name: getattr(practice, name) or "" for name in SEARCHED_FIELDS}
    # Tags and partners are searched as part of the summary: short, meaningful words.
    extra = " ".join([*practice.tags, practice.context_partners or ""])
    fields["summary"] = f"{fields['summary']} {extra}".strip()
    return fields


def analyse(practice: Practice) -> dict:
    return _analyser_index().analyse(practice_fields(practice))


def prepare_for_search(practice: Practice) -> None:
    """Fill what search needs and the results page shows, before a practice is saved:
    the analysed term counts (the index is built from them) and the body as plain text
    (snippets are cut from it, so no Markdown is rendered per search hit).
    Loaders that bypass ``services.save_practice`` must call this too."""
    practice.search_terms = analyse(practice)
    practice.body_text = plain_text(practice.body)


_ANALYSER: SearchIndex | None = None


def protected_names() -> list[str]:
    """The proper names a search matches only as whole names (see the module docstring):
    municipalities (official and common name), organisations (name and short name),
    provinces, countries (Dutch and English), places abroad, and parts of the world."""
    names = set(read_word_list("region_names.txt"))
    for values in (
        register.Municipality.objects.values_list("name", "common_name"),
        register.Organisation.objects.values_list("name", "short_name"),
        register.Province.objects.values_list("name"),
        register.Country.objects.values_list("name_nl", "name_en"),
        register.ForeignPlace.objects.values_list("name"),
    ):
        for row in values:
            names.update(name for name in row if name)
    return sorted(names)


_NAMES_STATE: tuple | None = None


def _names_state() -> tuple:
    """A cheap fingerprint of the register's names (counts, highest ids, last change):
    the names are read again only when it moved."""
    state = []
    for model in (
        register.Municipality,
        register.Organisation,
        register.Province,
        register.Country,
        register.ForeignPlace,
    ):
        aggregates = {"n": Count("pk"), "top": Max("pk")}
        if any(f.name == "updated_at" for f in model._meta.fields):
            aggregates["changed"] = Max("updated_at")
        state.append(tuple(sorted(model.objects.aggregate(**aggregates).items())))
    return tuple(state)


def _analyser_index(refresh: bool = False) -> SearchIndex:
    """The process's analysing index (no documents): its analyzer protects the names in
    the register as they were when first asked, or now with ``refresh``."""
    global _ANALYSER, _NAMES_STATE
    if _ANALYSER is None or refresh:
        state = _names_state()
        if _ANALYSER is not None and state == _NAMES_STATE:
            return _ANALYSER
        base = _ANALYSER.analyzer if _ANALYSER is not None else DutchAnalyzer()
        analyzer = base.with_names(protected_names())
        if _ANALYSER is None or analyzer.signature != _ANALYSER.analyzer.signature:
            _ANALYSER = SearchIndex(analyzer=analyzer, part_markers=True)
        _NAMES_STATE = state
    return _ANALYSER


def shared_analyzer(refresh: bool = False) -> DutchAnalyzer:
    """One analyser per process (its lexicon takes a while to load); with ``refresh`` it
    protects the names in the register now (a new one when they changed)."""
    return _analyser_index(refresh).analyzer
