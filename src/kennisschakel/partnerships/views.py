"""HTML pages for partnerships, the exchange ledger, networks and the landscape."""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from kennisschakel.accounts.permissions import belongs_to, can_create
from kennisschakel.partnerships import balances, services
from kennisschakel.partnerships.forms import ActivityForm, ConfirmForm
from kennisschakel.partnerships.models import (
    ActivitySide,
    ExchangeActivity,
    NetworkMembership,
    Partnership,
    PartnershipPartner,
)
from kennisschakel.partnerships.rules import can_confirm
from kennisschakel.register.models import Country, Municipality, Organisation, PolicyDomain

PARTNER_PREFETCH = Prefetch(
    "partners",
    queryset=PartnershipPartner.objects.select_related(
        "organisation__municipality", "place__country__world_region"
    ),
)


def partnership_list(request):
    partnerships = Partnership.objects.prefetch_related(PARTNER_PREFETCH).order_by("name")
    country = None
    if request.GET.get("country"):
        country = Country.objects.filter(iso2=request.GET["country"].upper()).first()
        if country is not None:
            partnerships = partnerships.filter(partners__place__country=country).distinct()
    region = request.GET.get("region")
    if region:
        partnerships = partnerships.filter(
            partners__place__country__world_region__slug=region
        ).distinct()
    counts = dict(
        PartnershipPartner.objects.filter(place__isnull=False)
        .values_list("place__country_id")
        .annotate(n=Count("partnership", distinct=True))
    )
    countries = list(Country.objects.filter(pk__in=counts).order_by("name_nl"))
    for listed in countries:
        listed.n = counts[listed.pk]
    return render(
        request,
        "partnerships/partnership_list.html",
        {
            "partnerships": partnerships,
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
    involved = {p.organisation_id for p in partnership.partners.all() if p.organisation_id}
    may_log = request.user.is_authenticated and any(belongs_to(request.user, pk) for pk in involved)
    return render(
        request,
        "partnerships/partnership_detail.html",
        {
            "partnership": partnership,
            "activities": activities,
            "partner_rows": partner_rows,
            "undated": summary["undated"],
            "may_log": may_log,
        },
    )


@login_required
def activity_create(request):
    organisation = request.user.organisation
    if organisation is None or not can_create(request.user, ExchangeActivity):
        raise PermissionDenied(_("Only contributors of an organisation can log exchanges."))
    initial = {}
    if request.GET.get("partnership"):
        initial["partnership"] = Partnership.objects.filter(slug=request.GET["partnership"]).first()
    form = ActivityForm(request.POST or None, organisation=organisation, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        values = {
            name: data.get(name)
            for name in [
                "partnership",
                "form",
                "title",
                "start_date",
                "end_date",
                "costs",
                "subsidy",
                "subsidy_programme",
                "learning_goals",
                "outcomes",
                "outcome_level",
                "outcome_side",
                "embedded",
                "disseminated",
            ]
        }
        values = {k: v for k, v in values.items() if v is not None}
        activity = services.log_activity(values, data["sides"], request.user, organisation)
        activity.practices.set(data["practices"])
        messages.success(request, _("The exchange has been logged; the other side can confirm it."))
        if not data.get("learning_goals"):
            messages.warning(
                request,
                _(
                    "No learning goals were set. Add them next time: without goals, "
                    "what is learned stays with the people who travelled."
                ),
            )
        return redirect(activity.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(request, "partnerships/activity_form.html", {"form": form}, status=status)


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
        {"activity": activity, "sides": sides, "form": form},
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
    for domain in PolicyDomain.objects.filter(parent__isnull=True):
        in_domain = [n for n in networks if domain in n.domains.all()]
        covered = set().union(*(members_of[n.pk] for n in in_domain)) if in_domain else set()
        by_domain.append(
            {
                "domain": domain,
                "networks": in_domain,
                "without": len(municipal_ids - covered),
            }
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
        },
    )


def municipality_section(municipality) -> dict:
    """What the municipality page shows about partnerships, networks and the balance."""
    organisation = municipality.organisation
    partnerships = (
        Partnership.objects.filter(partners__organisation=organisation)
        .prefetch_related(PARTNER_PREFETCH)
        .distinct()
    )
    networks = NetworkMembership.objects.filter(member=organisation).select_related("network")
    summary = balances.organisation_summary(organisation.pk)
    labels = {}
    keys = list(summary["partners"])
    org_ids = [int(k[4:]) for k in keys if k.startswith("org:")]
    place_ids = [int(k[6:]) for k in keys if k.startswith("place:")]
    labels.update({f"org:{o.pk}": str(o) for o in Organisation.objects.filter(pk__in=org_ids)})
    from kennisschakel.register.models import ForeignPlace

    labels.update({f"place:{p.pk}": str(p) for p in ForeignPlace.objects.filter(pk__in=place_ids)})
    partner_rows = sorted(
        ((labels.get(k, k), b) for k, b in summary["partners"].items()), key=lambda r: r[0]
    )
    return {
        "partnerships": partnerships,
        "networks": networks,
        "balance": summary["balance"],
        "partner_balances": partner_rows,
        "trend": sorted(summary["trend"].items()),
        "undated": summary["undated"],
    }


def council_note(request, slug):
    """The council note as a page, or as a PDF with ?format=pdf."""
    import datetime

    from django.http import HttpResponse

    from kennisschakel.partnerships.councilnote import build_note, render_note_pdf
    from kennisschakel.partnerships.forms import CouncilNoteForm

    partnership = get_object_or_404(Partnership.objects.prefetch_related("motives"), slug=slug)
    today = datetime.date.today()
    initial = {
        "start": datetime.date(today.year - 1, 1, 1),
        "end": datetime.date(today.year - 1, 12, 31),
    }
    form = CouncilNoteForm(
        request.GET if "start" in request.GET else None, partnership=partnership, initial=initial
    )
    note = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        note = build_note(
            partnership,
            data["organisation"],
            data["start"],
            data["end"],
            data["hourly_rate"],
            form.expected_returns(),
        )
        if request.GET.get("format") == "pdf":
            response = HttpResponse(render_note_pdf(note), content_type="application/pdf")
            response["Content-Disposition"] = (
                f'attachment; filename="raadsinformatiebrief-{partnership.slug}.pdf"'
            )
            return response
    params = request.GET.copy()
    params["format"] = "pdf"
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(
        request,
        "partnerships/council_note.html",
        {"partnership": partnership, "form": form, "note": note, "pdf_query": params.urlencode()},
        status=status,
    )


def learning_assessment(request, slug):
    """Score mutual learning per side per year; everyone sees the chart comparing the sides."""
    import datetime

    from django.utils.safestring import mark_safe

    from kennisschakel.partnerships import learning
    from kennisschakel.partnerships.forms import LearningAssessmentForm

    partnership = get_object_or_404(Partnership, slug=slug)
    try:
        year = int(
            request.GET.get("year") or request.POST.get("year") or datetime.date.today().year
        )
    except ValueError:
        year = datetime.date.today().year
    involved = {p.organisation_id for p in partnership.partners.all() if p.organisation_id}
    may_score = request.user.is_authenticated and any(
        belongs_to(request.user, pk) for pk in involved
    )
    form = None
    if may_score:
        form = LearningAssessmentForm(
            request.POST or None, partnership=partnership, initial={"year": year}
        )
        if request.method == "POST" and form.is_valid():
            learning.save_scores(
                form.cleaned_data["partner"], form.cleaned_data["year"], form.scores(), request.user
            )
            messages.success(request, _("The scores have been saved."))
            return redirect(f"{request.path}?year={form.cleaned_data['year']}")
    elif request.method == "POST":
        raise PermissionDenied(_("Only the municipalities in this partnership can score it."))
    status = 400 if form is not None and form.is_bound and not form.is_valid() else 200
    return render(
        request,
        "partnerships/learning_assessment.html",
        {
            "partnership": partnership,
            "year": year,
            "form": form,
            "scores": learning.scores_by_side(partnership, year),
            "chart": mark_safe(learning.chart_svg(partnership, year)),  # noqa: S308  (our own SVG)
        },
        status=status,
    )
