"""A municipality's and an organisation's page, from the knowledge bank: its practices and
lessons (negative lessons too) and the practices of others it adopted or weighed
(registered in ``KnowledgeConfig.ready``; see core/party_sections.py).

What a visitor sees is ``Practice.objects.visible_to``: published practices for everyone,
drafts and archived ones for the owners and facilitators. Three queries, whatever
the number of practices.
"""

from django.db.models import Count, Q

from kennisschakel.core.party_sections import Shown, organisation_of, register_section
from kennisschakel.knowledge.models import Adoption, Practice, TransferCategory

ROWS = 20  # practices shown; the count says when there are more


def _is_negative(practice: Practice) -> bool:
    """A lesson about what did not work: categorised so, or with its own account of it."""
    return TransferCategory.NEGATIVE_LESSONS in practice.transfer or bool(
        practice.negative_lessons.strip()
    )


def practices_section(request, party) -> Shown:
    organisation = organisation_of(party)
    ours = Practice.objects.filter(Q(owner=organisation) | Q(co_owners=organisation)).values("pk")
    practices = list(
        # A subquery, not a join: a co-owned practice would repeat in the join.
        Practice.objects.visible_to(request.user)
        .filter(pk__in=ours)
        .select_related("owner")
        .annotate(adoption_count=Count("adoptions", distinct=True))
        .order_by("kind", "-published_at", "-created_at", "pk")[: ROWS + 1]
    )
    more = len(practices) > ROWS
    practices = practices[:ROWS]
    # Counted always, not only when the page is full: the page costs the same queries
    # for a municipality with 3 practices and one with 300.
    total = Practice.objects.visible_to(request.user).filter(pk__in=ours).count()
    for practice in practices:
        practice.is_negative = _is_negative(practice)
        practice.co_owned = practice.owner_id != organisation.pk
    adoptions = list(
        Adoption.objects.filter(organisation=organisation)
        .filter(practice__in=Practice.objects.visible_to(request.user).values("pk"))
        .select_related("practice__owner")
        .order_by("-created_at")[:ROWS]
    )
    return Shown(
        template="knowledge/_party_section.html",
        context={
            "practices": [p for p in practices if p.kind == Practice.Kind.PRACTICE],
            "lessons": [p for p in practices if p.kind == Practice.Kind.LESSON],
            "total": total,
            "more": more,
            "adoptions": adoptions,
            "organisation": organisation,
        },
    )


def register_sections() -> None:
    register_section("practices", 10, practices_section)
