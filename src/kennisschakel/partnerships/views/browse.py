"""Reading pages: partnerships, one exchange (where the other side confirms it) and the
networks' landscape."""

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from kennisschakel.core.permissions import can_edit
from kennisschakel.partnerships import balance_cache, balances, services
from kennisschakel.partnerships.forms import ConfirmForm
from kennisschakel.partnerships.models import (
    ActivitySide,
    ExchangeActivity,
    NetworkMembership,
    Partnership,
    PartnershipPartner,
)
from kennisschakel.partnerships.rules import can_confirm, own_proposed_sides
from kennisschakel.register.models import Country, Municipality, Organisation, PolicyDomain

PARTNERSHIPS_PER_PAGE = 50

PARTNER_PREFETCH = Prefetch(
    "partners",
    queryset=PartnershipPartner.objects.select_related(
        "organisation__municipality", "place__country__world_region", "country__world_region"
    ),
)


def partnership_list(request):
    partnerships = Partnership.objects.prefetch_related(PARTNER_PREFETCH).order_by("name")
    country = None
    if request.GET.get("country"):
        country = Country.objects.filter(iso2=request.GET["country"].upper()).first()
        if country is not None:
            partnerships = partnerships.filter(
                Q(partners__place__country=country) | Q(partners__country=country)
            ).distinct()
    region = request.GET.get("region")
    if region:
        partnerships = partnerships.filter(
            Q(partners__place__country__world_region__slug=region)
            | Q(partners__country__world_region__slug=region)
        ).distinct()
    counts = balance_cache.partnerships_per_country()
    countries = list(Country.objects.filter(pk__in=counts).order_by("name_nl"))
    for listed in countries:
        listed.n = counts[listed.pk]
    # Thousands of partnerships at national scale: one page at a time.
    page = Paginator(partnerships, PARTNERSHIPS_PER_PAGE).get_page(request.GET.get("page"))
    query = urlencode({key: value for key, value in request.GET.items() if key != "page"})
    return render(
        request,
        "partnerships/partnership_list.html",
        {
            "partnerships": page.object_list,
            "page": page,
            "query": query,
            "countries": countries,
            "country": country,
            "region": region,
        },
    )


def partnership_detail(request, slug):
    partnership = get_object_or_404(
        Partnership.objects.prefetch_related(PARTNER_PREFETCH, "motives", "domains"), slug=slug
    )
    activities = partnership.activities.prefetch_related(
        Prefetch("sides", queryset=ActivitySide.objects.select_related("organisation", "place"))
    )
    summary = balances.partnership_summary(partnership)
    partner_rows = [
        (partner, summary["balances"].get(partner.party_key))
        for partner in partnership.partners.all()
    ]
    for partner, _balance in partner_rows:  # marked when exchanges still await confirmation
        partner.pending = summary["pending"].get(partner.party_key, 0)
    # The same rule as the edit pages and the API: confirmed partners (and facilitators).
    may_log = can_edit(request.user, partnership)
    return render(
        request,
        "partnerships/partnership_detail.html",
        {
            "partnership": partnership,
            "activities": activities,
            "partner_rows": partner_rows,
            "undated": summary["undated"],
            "balance_notes": {
                "pending": sum(1 for a in activities if a.confirmation == "pending"),
                "undated": summary["undated"],
                "undated_from_sources": summary["undated_from_sources"],
            },
            "may_log": may_log,
            "proposals": list(own_proposed_sides(request.user, partnership)),
        },
    )


def activity_detail(request, slug):
    activity = get_object_or_404(
        ExchangeActivity.objects.select_related("partnership", "logged_by_organisation"), slug=slug
    )
    sides = activity.sides.select_related("organisation", "place__country")
    form = None
    if can_confirm(request.user, activity):
        form = ConfirmForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            services.confirm_activity(
                activity, form.cleaned_data["agree"], form.cleaned_data["note"]
            )
            messages.success(request, _("Thank you: your answer has been recorded."))
            return redirect(activity.get_absolute_url())
    elif request.method == "POST":
        raise PermissionDenied(_("Only the other side of this exchange can confirm it."))
    return render(
        request,
        "partnerships/activity_detail.html",
        {
            "activity": activity,
            "sides": sides,
            "form": form,
            "may_edit": can_edit(request.user, activity),
        },
    )


def landscape(request):
    """Networks per policy domain and level, overlap between networks, and gaps."""
    networks = list(
        Organisation.objects.filter(type__in=["network", "knowledge_platform", "association"])
        .prefetch_related("domains")
        .annotate(member_count=Count("members"))
        .order_by("name")
    )
    memberships = NetworkMembership.objects.filter(member__type="municipality").values_list(
        "network_id", "member_id"
    )
    members_of: dict[int, set[int]] = defaultdict(set)
    for network_id, member_id in memberships:
        members_of[network_id].add(member_id)
    by_domain = []
    municipal_ids = set(Municipality.objects.values_list("organisation_id", flat=True))
    chosen, without_chosen = None, []
    for domain in PolicyDomain.objects.filter(parent__isnull=True):
        in_domain = [n for n in networks if domain in n.domains.all()]
        covered = set().union(*(members_of[n.pk] for n in in_domain)) if in_domain else set()
        without = municipal_ids - covered
        by_domain.append({"domain": domain, "networks": in_domain, "without": len(without)})
        if domain.slug == request.GET.get("domain"):
            chosen = domain
            without_chosen = Municipality.objects.filter(organisation_id__in=without).order_by(
                "name"
            )
    overlap = []
    named = [n for n in networks if members_of[n.pk]]
    for i, first in enumerate(named):
        for second in named[i + 1 :]:
            shared = members_of[first.pk] & members_of[second.pk]
            if shared:
                overlap.append((first, second, len(shared)))
    overlap.sort(key=lambda row: -row[2])
    return render(
        request,
        "partnerships/landscape.html",
        {
            "by_domain": by_domain,
            "overlap": overlap[:30],
            "networks": networks,
            "municipality_count": len(municipal_ids),
            "chosen": chosen,
            "without_chosen": without_chosen,
        },
    )
