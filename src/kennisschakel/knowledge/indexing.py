"""From published practices to index documents: their analysed terms, the names of their
policy domains (a field of their own, "domains", so *burgerparticipatie* finds the
practices filed under that domain even where the text says it differently) and their
facet values; a fresh index of them all (:func:`build_index`), or an index brought up to
date from the change log (:func:`apply_changes`)."""

from itertools import islice

from django.utils import timezone

from kennisschakel.engines.text.search import SearchIndex, is_current, merge_fields
from kennisschakel.knowledge.analysis import practice_fields, shared_analyzer
from kennisschakel.knowledge.models import Adoption, Practice, SearchIndexChange, SearchIndexState
from kennisschakel.register import models as register
from kennisschakel.register.services import size_schemes

FACETS = ["domain", "size_class", "province", "maturity", "negative", "adopted", "kind"]
BUILD_CHUNK = 2000  # practices read and added at a time when building
DOMAINS_FIELD = "domains"  # the names of a practice's own policy domains, searched


def _facets_for(
    practices: list[Practice], domain_names: dict[int, list[str]] | None = None
) -> dict[int, dict[str, list[str]]]:
    """Facet values per practice; fills ``domain_names`` (when given) with the Dutch
    names of each practice's own domains."""
    ids = [p.pk for p in practices]
    domains: dict[int, set[str]] = {pk: set() for pk in ids}
    through = Practice.domains.through
    for practice_id, slug, parent_slug, name in (
        through.objects.filter(practice_id__in=ids)
        .order_by("practice_id", "policydomain__slug")
        .values_list(
            "practice_id",
            "policydomain__slug",
            "policydomain__parent__slug",
            "policydomain__name_nl",
        )
    ):
        domains[practice_id].add(slug)
        if parent_slug:
            domains[practice_id].add(parent_slug)
        if domain_names is not None:
            domain_names.setdefault(practice_id, []).append(name)
    adopted = set(
        Adoption.objects.filter(
            practice_id__in=ids,
            outcome__in=[Adoption.Outcome.ADOPTED, Adoption.Outcome.ADAPTED],
        ).values_list("practice_id", flat=True)
    )
    owners = {
        mun.organisation_id: mun
        for mun in register.Municipality.objects.filter(
            organisation_id__in={p.owner_id for p in practices}
        ).select_related("province")
    }
    schemes = size_schemes()
    facets = {}
    for practice in practices:
        municipality = owners.get(practice.owner_id)
        size_classes = []
        province = []
        if municipality is not None:
            province = [municipality.province.code]
            for scheme in schemes:
                size_class = scheme.class_for(municipality.inhabitants)
                if size_class:
                    size_classes.append(size_class.slug)
        facets[practice.pk] = {
            "domain": sorted(domains[practice.pk]),
            "size_class": size_classes,
            "province": province,
            "maturity": [practice.maturity],
            "negative": ["yes" if practice.negative_lessons.strip() else "no"],
            "adopted": ["yes" if practice.pk in adopted else "no"],
            "kind": [practice.kind],
        }
    return facets


def add_practices(index: SearchIndex, practices: list[Practice]) -> None:
    if not practices:
        return
    names: dict[int, list[str]] = {}
    facets = _facets_for(practices, names)
    for practice in practices:
        terms = practice.search_terms
        # Never analysed, or by another analysis (older, or under other names).
        if not is_current(terms, index.analyzer):
            terms = index.analyse(practice_fields(practice))
        if practice.pk in names:
            # Labels: met in full they find the practice, a compound's part alone does not.
            labels = index.analyse({DOMAINS_FIELD: ". ".join(names[practice.pk])}, labels=True)
            terms = merge_fields(terms, labels)
        sort_key = (practice.published_at or practice.created_at or timezone.now()).timestamp()
        index.add_analysed(practice.pk, terms, facets[practice.pk], sort_key)


def _indexed_practices():
    # The plain-text body is for the results page, not for the index.
    return Practice.objects.defer("body_text")


def apply_changes(index: SearchIndex, after: int, upto: int) -> int:
    """Bring ``index`` from change number ``after`` to ``upto``; returns the number of
    practices looked at again."""
    changed = set(
        SearchIndexChange.objects.filter(seq__gt=after, seq__lte=upto).values_list(
            "practice_id", flat=True
        )
    )
    if not changed:
        return 0
    published = []
    for practice in _indexed_practices().filter(pk__in=changed).order_by("pk"):
        if practice.status == Practice.Status.PUBLISHED:
            published.append(practice)
    still_published = {p.pk for p in published}
    for pk in changed - still_published:  # unpublished, archived or deleted
        index.remove(pk)
    add_practices(index, published)
    return len(changed)


def build_index() -> tuple[SearchIndex, int]:
    """A fresh index of every published practice, and the change number it includes.

    The number is read first: a change committed while the practices are read is then
    in the index and applied again from the log, which is harmless (a re-add replaces).
    """
    seq = SearchIndexState.current_seq()
    analyzer = shared_analyzer(refresh=True)
    index = SearchIndex(analyzer=analyzer, auto_compact=False, part_markers=True)
    practices = _indexed_practices().filter(status=Practice.Status.PUBLISHED).order_by("pk")
    iterator = practices.iterator(chunk_size=BUILD_CHUNK)
    while chunk := list(islice(iterator, BUILD_CHUNK)):
        add_practices(index, chunk)
    index.compact()
    return index, seq
