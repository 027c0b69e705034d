"""A municipality's and an organisation's page, from the partnerships app: its partnerships,
its networks (and, for a network, its members) and its give and take (registered in
``PartnershipsConfig.ready``; see core/party_sections.py).

The context is built for any organisation (a province or a network has partnerships and
a balance too). Queries: the partnerships, the memberships, the
members, the balance (cached, ``balance_cache``) and the partners' names, whatever the
number of partnerships.
"""

from kennisschakel.core.party_sections import (
    Shown,
    is_municipality,
    organisation_of,
    register_section,
)
from kennisschakel.core.permissions import belongs_to
from kennisschakel.partnerships import balance_cache, balances
from kennisschakel.partnerships.models import NetworkMembership, Partnership, PartnershipPartner

# Partners shown on a page unless all are asked for (the busiest has hundreds).
PARTNER_ROWS = 25


def party_context(organisation, user=None, all_partners: bool = False) -> dict:
    """What an organisation's page shows about partnerships, networks and the balance.

    The per-partner table lists the ``PARTNER_ROWS`` partners with most exchanges (by
    name), or every partner when ``all_partners``.
    """
    may_edit = bool(user and user.is_authenticated and belongs_to(user, organisation.pk))
    # A partnership this organisation declined is not its partnership.
    partnerships = (
        Partnership.objects.filter(partners__organisation=organisation)
        .exclude(  # one subquery: both conditions must hold for the same partner row
            pk__in=PartnershipPartner.objects.filter(
                organisation=organisation, status=PartnershipPartner.Status.DECLINED
            ).values("partnership_id")
        )
        # No partner prefetch: the section lists names only, and at national scale a
        # busy municipality's partnerships have hundreds of partners between them.
        .distinct()
        .order_by("name")
    )
    networks = (
        NetworkMembership.objects.filter(member=organisation)
        .select_related("network")
        .order_by("network__name")
    )
    summary = balance_cache.organisation_summary(organisation.pk)
    shown = sorted(summary["partners"].items(), key=lambda kb: (-kb[1].activity_count, kb[0]))
    if not all_partners:
        shown = shown[:PARTNER_ROWS]
    # Labels marked with the exchanges that still await the other side's confirmation.
    partner_rows = balances.partner_rows(shown, summary.get("pending_partners", {}))
    return {
        "organisation": organisation,
        "partnerships": partnerships,
        "networks": networks,
        "balance": summary["balance"],
        "partner_balances": partner_rows,
        "trend": sorted(summary["trend"].items()),
        "undated": summary["undated"],
        "undated_from_sources": summary.get("undated_from_sources", 0),
        "pending": summary.get("pending", 0),
        # the footnote on '–' in the hours columns
        "hours_column": any(not (b.given_hours or b.received_hours) for _l, b in partner_rows),
        "partner_count": len(summary["partners"]),
        "may_edit": may_edit,
    }


def partnerships_section(request, party) -> Shown:
    organisation = organisation_of(party)
    context = party_context(
        organisation, request.user, all_partners=request.GET.get("partners") == "all"
    )
    # A network's own members (a municipality is no network: no query for it).
    context["members"] = (
        []
        if is_municipality(party)
        else list(
            NetworkMembership.objects.filter(network=organisation)
            .select_related("member__municipality")
            .order_by("member__name")
        )
    )
    return Shown(template="partnerships/_party_section.html", context=context)


def register_sections() -> None:
    register_section("partnerships", 30, partnerships_section)
