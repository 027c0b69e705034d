"""The practice search page: results (strong matches first), facets, spelling
suggestion, paging; htmx asks for the results part only."""

from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import render

from kennisschakel.core.permissions import can_create
from kennisschakel.knowledge.facets import describe_facets, parse_filters
from kennisschakel.knowledge.models import Adoption, Practice
from kennisschakel.knowledge.search import practice_search

PAGE_SIZE = 20


def _adopted_counts(practice_ids) -> dict[int, int]:
    return dict(
        Adoption.objects.filter(
            practice_id__in=practice_ids,
            outcome__in=[Adoption.Outcome.ADOPTED, Adoption.Outcome.ADAPTED],
        )
        .values("practice_id")
        .annotate(n=Count("pk"))
        .values_list("practice_id", "n")
    )


def practice_list(request):
    query = request.GET.get("q", "").strip()[:200]
    filters = parse_filters(request.GET)
    try:
        page_number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page_number = 1
    # allWords: only practices that cover (nearly) all the query's words; exact: no
    # automatic spelling correction (the "search for what I typed" link).
    all_words = request.GET.get("allWords") == "1"
    exact = request.GET.get("exact") == "1"
    result = practice_search.search(
        query,
        filters,
        limit=PAGE_SIZE,
        offset=(page_number - 1) * PAGE_SIZE,
        strong_only=all_words,
        correct_spelling=not exact,
    )
    counts = _adopted_counts([hit.practice.pk for hit in result.hits])
    for hit in result.hits:
        hit.adopted_count = counts.get(hit.practice.pk, 0)
    paginator = Paginator(range(result.total), PAGE_SIZE)
    page = paginator.get_page(page_number)
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "query": query,
        "all_words": all_words,
        "result": result,
        "hits": result.hits,
        "strong_hits": [hit for hit in result.hits if hit.strong],
        "weak_hits": [hit for hit in result.hits if not hit.strong],
        "suggestion_querystring": _with_params(params, q=result.suggestion, exact=None),
        "exact_querystring": _with_params(params, q=result.corrected_from, exact="1"),
        "facets": describe_facets(result.facet_counts, filters),
        "page": page,
        "querystring": params.urlencode(),
        "can_create": can_create(request.user, Practice),
    }
    template = (
        "knowledge/_practice_results.html"
        if request.headers.get("HX-Request")
        else "knowledge/practice_list.html"
    )
    return render(request, template, context)


def _with_params(params, **changes) -> str:
    """``params`` (a QueryDict, not changed) with ``changes`` (None removes), encoded."""
    params = params.copy()
    for name, value in changes.items():
        params.pop(name, None)
        if value is not None:
            params[name] = value
    return params.urlencode()
