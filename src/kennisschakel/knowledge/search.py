"""Thin adapter between the practices in the database and the Dutch search engine.

The engine (:mod:`kennisschakel.text.search`) is plain Python and keeps its
index in memory. Every web process holds its own copy, derived from the
database (the single source of truth): it is built on first use from the
stored per-practice term counts, and before each search brought up to date
with the practices changed since (``updated_at``). Saving a practice in one
process is therefore visible to searches in every other process.
"""

import datetime
import threading
from dataclasses import dataclass, field

from django.db.models import Max
from django.utils import timezone

from kennisschakel.knowledge.models import Adoption, Practice
from kennisschakel.knowledge.rendering import plain_text
from kennisschakel.register import models as register
from kennisschakel.register.services import size_schemes
from kennisschakel.text.search import SearchIndex
from kennisschakel.text.snippets import highlight

FACETS = ["domain", "size_class", "province", "maturity", "negative", "adopted", "kind"]
SEARCHED_FIELDS = ("title", "summary", "body", "negative_lessons")
# Re-read a few seconds before the last change seen: a transaction that
# committed late with an older timestamp is still picked up (re-adding is harmless).
SYNC_OVERLAP = datetime.timedelta(seconds=5)


def practice_fields(practice: Practice) -> dict[str, str]:
    fields = {name: getattr(practice, name) or "" for name in SEARCHED_FIELDS}
    # Tags and partners are searched as part of the summary: short, meaningful words.
    extra = " ".join([*practice.tags, practice.context_partners or ""])
    fields["summary"] = f"{fields['summary']} {extra}".strip()
    return fields


def analyse(practice: Practice) -> dict:
    return _analyser_index().analyse(practice_fields(practice))


_ANALYSER: SearchIndex | None = None


def _analyser_index() -> SearchIndex:
    global _ANALYSER
    if _ANALYSER is None:
        _ANALYSER = SearchIndex()
    return _ANALYSER


@dataclass
class PracticeHit:
    practice: Practice
    score: float
    snippet: str


@dataclass
class PracticeSearchResult:
    total: int
    hits: list[PracticeHit]
    facet_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    query_terms: list[str] = field(default_factory=list)


class PracticeSearch:
    def __init__(self):
        self._index: SearchIndex | None = None
        self._synced_until: datetime.datetime | None = None
        self._lock = threading.Lock()

    def reset(self) -> None:
        with self._lock:
            self._index = None
            self._synced_until = None

    # -- keeping the index in step with the database ------------------------

    def _facets_for(self, practices: list[Practice]) -> dict[int, dict[str, list[str]]]:
        ids = [p.pk for p in practices]
        domains: dict[int, set[str]] = {pk: set() for pk in ids}
        through = Practice.domains.through
        for practice_id, slug, parent_slug in through.objects.filter(
            practice_id__in=ids
        ).values_list("practice_id", "policydomain__slug", "policydomain__parent__slug"):
            domains[practice_id].add(slug)
            if parent_slug:
                domains[practice_id].add(parent_slug)
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

    def _add(self, index: SearchIndex, practices: list[Practice]) -> None:
        facets = self._facets_for(practices)
        for practice in practices:
            terms = practice.search_terms or index.analyse(practice_fields(practice))
            sort_key = (practice.published_at or practice.created_at or timezone.now()).timestamp()
            index.add_analysed(practice.pk, terms, facets[practice.pk], sort_key)

    def _build(self) -> None:
        index = SearchIndex()
        latest = Practice.objects.aggregate(latest=Max("updated_at"))["latest"]
        published = list(Practice.objects.published().order_by("pk"))
        self._add(index, published)
        self._index = index
        self._synced_until = latest

    def _sync(self) -> None:
        if self._index is None:
            self._build()
            return
        changed = Practice.objects.all()
        if self._synced_until is not None:
            changed = changed.filter(updated_at__gte=self._synced_until - SYNC_OVERLAP)
        changed = list(changed.order_by("updated_at"))
        if changed:
            to_add = [p for p in changed if p.status == Practice.Status.PUBLISHED]
            for practice in changed:
                if practice.status != Practice.Status.PUBLISHED and practice.pk in self._index:
                    self._index.remove(practice.pk)
            if to_add:
                self._add(self._index, to_add)
            self._synced_until = max(
                [self._synced_until, *(p.updated_at for p in changed)],
                key=lambda moment: moment or datetime.datetime.min.replace(tzinfo=datetime.UTC),
            )
        # A practice deleted outright leaves no updated_at behind: rebuild when counts differ.
        if Practice.objects.published().count() != len(self._index):
            self._build()

    # -- searching --------------------------------------------------------

    def search(
        self,
        query: str,
        filters: dict[str, set[str]] | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> PracticeSearchResult:
        with self._lock:
            self._sync()
            results = self._index.search(
                query, filters=filters or {}, limit=limit, offset=offset, facet_names=FACETS
            )
            analyser = self._index.analyzer
        by_id = Practice.objects.select_related("owner", "owner__municipality").in_bulk(
            [hit.id for hit in results.hits]
        )
        hits = []
        for hit in results.hits:
            practice = by_id.get(hit.id)
            if practice is None:
                continue
            source = practice.summary
            if query.strip():
                body_snippet = highlight(plain_text(practice.body), query, analyser)
                summary_snippet = highlight(practice.summary, query, analyser)
                source = summary_snippet if "<mark>" in summary_snippet else body_snippet
                if "<mark>" not in source:
                    source = summary_snippet
            else:
                source = highlight(practice.summary, "", analyser)
            hits.append(PracticeHit(practice=practice, score=hit.score, snippet=source))
        return PracticeSearchResult(
            total=results.total,
            hits=hits,
            facet_counts=results.facet_counts,
            query_terms=results.query_terms,
        )


practice_search = PracticeSearch()
