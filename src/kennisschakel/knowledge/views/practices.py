"""A practice's page, the form to add or edit one (409 with the other's changes when
someone saved in between), its status, and the organisation's own practices."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kennisschakel.core.permissions import can_create, can_edit
from kennisschakel.core.versioning import VersionConflict
from kennisschakel.knowledge import history, services
from kennisschakel.knowledge.forms import PracticeForm, ReplyForm
from kennisschakel.knowledge.models import Practice
from kennisschakel.knowledge.rendering import render_markdown
from kennisschakel.knowledge.rules import can_adopt, can_reply
from kennisschakel.knowledge.similar import similar_practices
from kennisschakel.register.models import ContactPerson
from kennisschakel.register.services import size_classes_of, size_schemes


def visible_practice(request, slug) -> Practice:
    queryset = Practice.objects.visible_to(request.user).select_related(
        "owner", "owner__municipality__province"
    )
    return get_object_or_404(queryset, slug=slug)


def practice_detail(request, slug):
    practice = visible_practice(request, slug)
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
    practice = visible_practice(request, slug)
    if not can_edit(request.user, practice):
        raise PermissionDenied(_("Only the owning organisation can edit this practice."))
    return _practice_form_page(request, practice, practice.owner)


@login_required
@require_POST
def practice_status(request, slug):
    practice = visible_practice(request, slug)
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
