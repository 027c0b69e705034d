"""HTML pages for partnerships, the exchange ledger, networks and the landscape."""

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kennisschakel.accounts.permissions import can_edit
from kennisschakel.core.svg import without_inline_styles
from kennisschakel.partnerships import balance_cache, balances, services
from kennisschakel.partnerships.forms import ConfirmForm
from kennisschakel.partnerships.models import (
    ActivitySide,
    ExchangeActivity,
    NetworkMembership,
    Partnership,
    PartnershipPartner,
)
from kennisschakel.partnerships.rules import can_confirm, may_score_side, own_proposed_sides
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


def municipality_section(municipality, user=None, all_partners: bool = False) -> dict:
    """What the municipality page shows about partnerships, networks and the balance
    (built in ``sections.py``, which contributes it to the register's pages)."""
    from kennisschakel.partnerships.sections import party_context

    return party_context(municipality.organisation, user, all_partners=all_partners)


def council_note(request, slug):
    """The council note for a partnership as a page; its PDF is made in the background."""
    partnership = get_object_or_404(Partnership.objects.prefetch_related("motives"), slug=slug)
    return _council_note_page(request, partnership=partnership)


def activity_council_note(request, slug):
    """The council note for one activity: before it happens, a proposal weighing costs
    against the expected returns per motive."""
    activity = get_object_or_404(ExchangeActivity.objects.select_related("partnership"), slug=slug)
    return _council_note_page(request, activity=activity)


def _council_note_page(request, partnership=None, activity=None):
    from kennisschakel.partnerships.councilnote_jobs import form_fields, note_from_data
    from kennisschakel.partnerships.forms import CouncilNoteForm

    if request.GET.get("format") == "pdf":
        # Old links: the PDF is now asked for with the page's button (a POST, a job).
        params = request.GET.copy()
        del params["format"]
        return redirect(f"{request.path}?{params.urlencode()}")
    # The period's default is the form's (forms.default_note_period).
    initial = {}
    note = None
    if "hourly_rate" in request.GET:
        form, note = note_from_data(request.GET, partnership, activity)
    else:
        form = CouncilNoteForm(None, partnership=partnership, activity=activity, initial=initial)
    subject = activity or partnership
    pdf_url = reverse(
        "partnerships:activity-council-note-pdf" if activity else "partnerships:council-note-pdf",
        args=[subject.slug],
    )
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(
        request,
        "partnerships/council_note.html",
        {
            "subject": subject,
            "activity": activity,
            "form": form,
            "note": note,
            "pdf_url": pdf_url,
            "pdf_fields": list(form_fields(form).items()) if note is not None else [],
        },
        status=status,
    )


@require_POST
def council_note_pdf(request, slug):
    """Ask for the note's PDF: a background job; the visitor goes to its page."""
    partnership = get_object_or_404(Partnership.objects.prefetch_related("motives"), slug=slug)
    return _council_note_pdf(request, partnership=partnership)


@require_POST
def activity_council_note_pdf(request, slug):
    activity = get_object_or_404(ExchangeActivity.objects.select_related("partnership"), slug=slug)
    return _council_note_pdf(request, activity=activity)


def _council_note_pdf(request, partnership=None, activity=None):
    from kennisschakel.files.jobs import request_file
    from kennisschakel.partnerships.councilnote_jobs import form_fields, note_from_data

    subject = activity or partnership
    form, note = note_from_data(request.POST, partnership, activity)
    if note is None:
        return render(
            request,
            "partnerships/council_note.html",
            {"subject": subject, "activity": activity, "form": form, "note": None},
            status=400,
        )
    parameters = {
        "activity" if activity else "partnership": subject.slug,
        "title": str(subject),
        "form": form_fields(form),
    }
    job, _created = request_file(request, "council-note", parameters)
    return redirect(job)


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
    may_score = can_edit(request.user, partnership)
    form = None
    if may_score:
        _refuse_other_side(request, partnership)
        form = LearningAssessmentForm(
            request.POST or None, partnership=partnership, user=request.user, initial={"year": year}
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
            # Our own SVG, with its styles as attributes: the page's CSP allows no inline styles.
            "chart": mark_safe(without_inline_styles(learning.chart_svg(partnership, year))),  # noqa: S308
        },
        status=status,
    )


def _refuse_other_side(request, partnership) -> None:
    """Posting scores for another partner's side is refused outright, not just 'invalid'."""
    raw = request.POST.get("partner", "") if request.method == "POST" else ""
    if not (raw.isdigit() and len(raw) < 10):
        return  # no side named: the form says what is missing
    side = partnership.partners.filter(pk=int(raw)).first()
    if side is not None and not may_score_side(request.user, side):
        raise PermissionDenied(
            _("You can only fill in your own organisation's side of this assessment.")
        )


def _period(request) -> tuple:
    """The period from ?from=YYYY-MM-DD&until=YYYY-MM-DD, with a message per bad value."""
    import datetime

    bounds, problems = {}, []
    for name in ("from", "until"):
        value = request.GET.get(name, "").strip()
        if value:
            try:
                bounds[name] = datetime.date.fromisoformat(value)
            except ValueError:
                problems.append(
                    _("'%(value)s' is not a date; write it as YYYY-MM-DD.") % {"value": value}
                )
    start, end = bounds.get("from"), bounds.get("until")
    if start and end and end < start:
        problems.append(_("The end date lies before the start date."))
        start = end = None
    return start, end, problems


def country_balance_list(request):
    """Every municipality's give and take, sortable, for a chosen period."""
    start, end, problems = _period(request)
    generation = balance_cache.generation()
    by_organisation = balance_cache.country_balances(start, end, generation)
    municipalities = Municipality.objects.select_related("organisation", "province").filter(
        organisation_id__in=by_organisation
    )
    rows = [(m, by_organisation[m.organisation_id]) for m in municipalities]
    # Rows whose exchanges include some the other side has not confirmed yet are marked.
    pending = balance_cache.pending_per_organisation(start, end, generation)
    for municipality, _balance in rows:
        municipality.pending = pending.get(municipality.organisation_id, 0)
    order = request.GET.get("order", "activities")
    sort_keys = {
        "activities": lambda row: -row[1].activity_count,
        "given": lambda row: -row[1].net_activities,
        "received": lambda row: row[1].net_activities,
        "name": lambda row: row[0].name,
    }
    if order not in sort_keys:
        order = "activities"  # also keeps the cached row fragments to the known orders
    rows.sort(key=sort_keys[order])
    return render(
        request,
        "partnerships/balance_list.html",
        {
            "rows": rows,
            "start": start,
            "end": end,
            "problems": problems,
            "order": order,
            "balance_notes": {"pending_rows": bool(pending), "hours_column": bool(rows)},
            "municipality_count": Municipality.objects.count(),
            # The rendered rows are cached under it too (hundreds of formatted figures).
            "generation": generation,
        },
        status=400 if problems else 200,
    )


def network_balance(request, slug):
    """Within one network: what each member gave to and received from the other members."""
    network = get_object_or_404(Organisation.objects.exclude(type="municipality"), slug=slug)
    start, end, problems = _period(request)
    summary = balances.network_summary(network, start, end)
    labels = balances.party_labels(summary["balances"])
    rows = sorted(
        ((labels.get(key, key), balance) for key, balance in summary["balances"].items()),
        key=lambda row: (-row[1].activity_count, row[0]),
    )
    return render(
        request,
        "partnerships/network_balance.html",
        {"network": network, "rows": rows, "start": start, "end": end, "problems": problems},
        status=400 if problems else 200,
    )
