"""HTML pages of the knowledge bank."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kennisschakel.accounts.permissions import can_create, can_edit
from kennisschakel.core.versioning import VersionConflict
from kennisschakel.knowledge import history, services
from kennisschakel.knowledge.downloads import serve_file
from kennisschakel.knowledge.facets import describe_facets, parse_filters
from kennisschakel.knowledge.forms import (
    AdoptionForm,
    AttachmentForm,
    ImportForm,
    PracticeForm,
    ReplyForm,
)
from kennisschakel.knowledge.models import Adoption, Practice
from kennisschakel.knowledge.rendering import render_markdown
from kennisschakel.knowledge.rules import can_adopt, can_reply
from kennisschakel.knowledge.search import practice_search
from kennisschakel.knowledge.similar import similar_practices
from kennisschakel.knowledge.spreadsheets import export_csv, export_json, import_practices
from kennisschakel.register.models import ContactPerson
from kennisschakel.register.services import size_classes_of, size_schemes

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


def _visible_practice(request, slug) -> Practice:
    queryset = Practice.objects.visible_to(request.user).select_related(
        "owner", "owner__municipality__province"
    )
    return get_object_or_404(queryset, slug=slug)


def practice_detail(request, slug):
    practice = _visible_practice(request, slug)
    adoptions = practice.adoptions.select_related("organisation", "recorded_by", "replied_by")
    contacts = ContactPerson.objects.visible_to(request.user).filter(
        practices=practice, erased_at__isnull=True
    )
    own_adoption = None
    if request.user.is_authenticated and request.user.organisation_id:
        own_adoption = next(
            (a for a in adoptions if a.organisation_id == request.user.organisation_id), None
        )
    took_over = [a for a in adoptions if a.took_over]
    municipality = getattr(practice.owner, "municipality", None)
    owner_size_classes = (
        [c for _scheme, c in size_classes_of(municipality, size_schemes()) if c]
        if municipality
        else []
    )
    return render(
        request,
        "knowledge/practice_detail.html",
        {
            "practice": practice,
            "body_html": render_markdown(practice.body),
            "domains": practice.domains.select_related("parent"),
            "co_owners": practice.co_owners.all(),
            "contacts": contacts,
            "attachments": practice.attachments.all(),
            "adoptions": adoptions,
            "adopted_count": len(took_over),
            "own_adoption": own_adoption,
            "can_edit": can_edit(request.user, practice),
            "can_adopt": can_adopt(request.user, practice),
            "can_reply": any(can_reply(request.user, a) for a in adoptions[:1]),
            "reply_form": ReplyForm(),
            "revisions": history.readable(practice.revisions.select_related("user")[:10])
            if can_edit(request.user, practice)
            else [],
            "foreign_places": practice.foreign_places.select_related("country"),
            "owner_size_classes": owner_size_classes,
            "similar": similar_practices(practice),
        },
    )


def _practice_form_page(request, practice, organisation, template="knowledge/practice_form.html"):
    form = PracticeForm(request.POST or None, instance=practice, organisation=organisation)
    status = 200
    if request.method == "POST" and form.is_valid():
        practice = form.save(commit=False)
        if practice.owner_id is None:
            practice.owner = organisation
        if "publish" in request.POST:
            practice.status = Practice.Status.PUBLISHED
        relations = {
            "domains": form.cleaned_data["domains"],
            "contacts": form.cleaned_data["contacts"],
            "co_owners": form.cleaned_data["co_owners"],
        }
        try:
            services.save_practice(
                practice, request.user, relations=relations, expected_version=form.expected_version
            )
        except VersionConflict:
            # Someone saved in between: show what they changed, keep what this editor typed.
            practice = Practice.objects.get(pk=practice.pk)
            form.reject_stale(practice)
            status = 409
        else:
            messages.success(request, _("The practice has been saved."))
            return redirect(practice.get_absolute_url())
    elif request.method == "POST":
        status = 400
    return render(request, template, {"form": form, "practice": practice}, status=status)


@login_required
def practice_create(request):
    if not can_create(request.user, Practice) or request.user.organisation is None:
        raise PermissionDenied(_("Only contributors of an organisation can add practices."))
    return _practice_form_page(request, Practice(), request.user.organisation)


@login_required
def practice_edit(request, slug):
    practice = _visible_practice(request, slug)
    if not can_edit(request.user, practice):
        raise PermissionDenied(_("Only the owning organisation can edit this practice."))
    return _practice_form_page(request, practice, practice.owner)


@login_required
@require_POST
def practice_status(request, slug):
    practice = _visible_practice(request, slug)
    if not can_edit(request.user, practice):
        raise PermissionDenied(_("Only the owning organisation can change this practice."))
    status = request.POST.get("status")
    if status not in Practice.Status.values:
        raise Http404
    services.set_status(practice, status, request.user)
    messages.success(
        request,
        _("Status changed to: %(status)s.") % {"status": Practice.Status(status).label},
    )
    return redirect(practice.get_absolute_url())


@login_required
def attachment_upload(request, slug):
    practice = _visible_practice(request, slug)
    if not can_edit(request.user, practice):
        raise PermissionDenied(_("Only the owning organisation can add files."))
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        services.add_attachment(
            practice,
            form.cleaned_data["file"],
            form.kind,
            request.user,
            is_evidence=form.cleaned_data["is_evidence"],
        )
        messages.success(request, _("The file has been added."))
        return redirect(practice.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "knowledge/attachment_form.html",
        {"form": form, "practice": practice},
        status=status,
    )


def attachment_download(request, slug, pk):
    """A practice's file, for whoever may see the practice: anyone once it is published;
    while it is a draft only its owners and facilitators (others get a 404, as for the page)."""
    practice = _visible_practice(request, slug)
    attachment = get_object_or_404(practice.attachments, pk=pk)
    return serve_file(
        attachment.file,
        attachment.original_name,
        attachment.content_type,
        private=practice.status != Practice.Status.PUBLISHED,
    )


@login_required
def adoption_create(request, slug):
    practice = _visible_practice(request, slug)
    if not can_adopt(request.user, practice):
        raise PermissionDenied(
            _("Contributors of another organisation can record what became of this practice.")
        )
    existing = practice.adoptions.filter(organisation=request.user.organisation).first()
    form = AdoptionForm(request.POST or None, instance=existing)
    if request.method == "POST" and form.is_valid():
        services.record_adoption(
            practice,
            request.user.organisation,
            request.user,
            outcome=form.cleaned_data["outcome"],
            reasons=form.cleaned_data["reasons"],
            note=form.cleaned_data["note"],
            what_changed=form.cleaned_data["what_changed"],
        )
        messages.success(
            request,
            _("Thank you. %(owner)s has been told what became of its practice.")
            % {"owner": practice.owner},
        )
        return redirect(practice.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "knowledge/adoption_form.html",
        {"form": form, "practice": practice},
        status=status,
    )


@login_required
@require_POST
def adoption_reply(request, slug, pk):
    practice = _visible_practice(request, slug)
    adoption = get_object_or_404(practice.adoptions, pk=pk)
    if not can_reply(request.user, adoption):
        raise PermissionDenied(_("Only the owning organisation can reply."))
    form = ReplyForm(request.POST)
    if form.is_valid():
        services.reply_to_adoption(adoption, request.user, form.cleaned_data["reply"])
        messages.success(request, _("Your reply has been added."))
    else:
        messages.error(request, _("Write a reply of at most 2,000 characters."))
    return redirect(f"{practice.get_absolute_url()}#adoptions")


@login_required
def my_practices(request):
    organisation = request.user.organisation
    if organisation is None:
        raise PermissionDenied(_("Your account belongs to no organisation."))
    practices = (
        Practice.objects.filter(Q(owner=organisation) | Q(co_owners=organisation))
        .distinct()
        .annotate(
            adoption_count=Count("adoptions", distinct=True),
        )
        .order_by("status", "-updated_at")
    )
    return render(
        request,
        "knowledge/my_practices.html",
        {
            "organisation": organisation,
            "practices": practices,
            "can_create": can_create(request.user, Practice),
        },
    )


@login_required
def practice_import(request):
    if not can_create(request.user, Practice):
        raise PermissionDenied(_("Only contributors can import practices."))
    form = ImportForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        outcome = import_practices(
            upload.name, upload.read(), request.user, publish=form.cleaned_data["publish"]
        )
        if not outcome.problems:
            messages.success(
                request, _("%(count)s practices imported.") % {"count": len(outcome.created)}
            )
            return redirect("knowledge:my-practices")
    invalid = request.method == "POST" and (not form.is_valid() or outcome.problems)
    status = 400 if invalid else 200
    return render(
        request, "knowledge/import_form.html", {"form": form, "outcome": outcome}, status=status
    )


def practice_export(request, fmt):
    if fmt not in ("csv", "json"):
        raise Http404
    practices = (
        Practice.objects.published()
        .select_related("owner")
        .prefetch_related(Prefetch("domains"))
        .annotate(
            adopted_count=Count(
                "adoptions",
                filter=Q(
                    adoptions__outcome__in=[Adoption.Outcome.ADOPTED, Adoption.Outcome.ADAPTED]
                ),
            )
        )
        .order_by("pk")
    )
    if fmt == "csv":
        response = HttpResponse(export_csv(practices), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(export_json(practices), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="praktijken.{fmt}"'
    return response
