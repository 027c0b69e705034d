"""HTML pages that change the ledger: partnerships, activities and network memberships.

Every page checks the same rules as the API (``partnerships/rules.py``): a
contributor of A changes only what involves A; the logging side edits an
activity, the other side confirms it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kennisschakel.core.permissions import can_create, can_edit
from kennisschakel.core.versioning import VersionConflict
from kennisschakel.partnerships import activity_sources, services
from kennisschakel.partnerships.forms import (
    ACTIVITY_FIELDS,
    ActivityForm,
    MembershipForm,
    PartnershipForm,
    party_name,
)
from kennisschakel.partnerships.models import ExchangeActivity, NetworkMembership, Partnership


def _form_status(request, form, conflict: bool = False) -> int:
    if conflict:
        return 409  # someone else saved first; the form comes back with what was typed
    return 400 if request.method == "POST" and form.is_bound and not form.is_valid() else 200


def _acting_organisation(request, model):
    organisation = request.user.organisation
    if organisation is None or not can_create(request.user, model):
        raise PermissionDenied(_("Only contributors of an organisation can do this."))
    return organisation


@login_required
def partnership_create(request):
    organisation = _acting_organisation(request, Partnership)
    form = PartnershipForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            partnership = services.create_partnership(
                form.values(),
                form.cleaned_data["partners_text"],
                request.user,
                motives=form.cleaned_data["motives"],
                domains=form.cleaned_data["domains"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The partnership has been saved."))
            return redirect(partnership.get_absolute_url())
    return render(
        request,
        "partnerships/partnership_form.html",
        {"form": form, "partnership": None},
        status=_form_status(request, form),
    )


@login_required
def partnership_edit(request, slug):
    partnership = get_object_or_404(Partnership, slug=slug)
    if not can_edit(request.user, partnership):
        raise PermissionDenied(_("Only the municipalities in this partnership can change it."))
    organisation = None if request.user.is_facilitator else request.user.organisation
    form = PartnershipForm(request.POST or None, instance=partnership, organisation=organisation)
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            services.update_partnership(
                partnership,
                form.values(),
                form.cleaned_data["partners_text"],
                motives=form.cleaned_data["motives"],
                domains=form.cleaned_data["domains"],
                user=request.user,
                expected_version=form.expected_version,
            )
        except VersionConflict:
            conflict = True
            form.reject_stale(Partnership.objects.get(pk=partnership.pk))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The partnership has been saved."))
            return redirect(partnership.get_absolute_url())
    return render(
        request,
        "partnerships/partnership_form.html",
        {"form": form, "partnership": partnership},
        status=_form_status(request, form, conflict),
    )


@login_required
@require_POST
def partnership_participation(request, slug):
    """A proposed partner confirms or declines being part of the partnership."""
    partnership = get_object_or_404(Partnership, slug=slug)
    agree = request.POST.get("answer") == "confirm"
    if request.POST.get("answer") not in ("confirm", "decline"):
        messages.error(request, _("Choose whether your organisation confirms or declines."))
        return redirect(partnership.get_absolute_url())
    services.answer_participation(partnership, request.user, agree)
    if agree:
        messages.success(request, _("Your organisation is now a confirmed partner."))
    else:
        messages.success(
            request,
            _(
                "You have declined; the partnership now shows that your organisation "
                "does not take part."
            ),
        )
    return redirect(partnership.get_absolute_url())


def _activity_values(data) -> dict:
    values = {name: data.get(name) for name in ACTIVITY_FIELDS}
    for name in ("subsidy_programme", "learning_goals", "outcomes", "outcome_level"):
        values[name] = values[name] or ""
    for name in ("outcome_side", "disseminated"):
        values[name] = values[name] or ""
    return values


def _warn_without_goals(request, data) -> None:
    if not data.get("learning_goals"):
        messages.warning(
            request,
            _(
                "No learning goals were set. Add them next time: without goals, "
                "what is learned stays with the people who travelled."
            ),
        )


@login_required
def activity_create(request):
    organisation = _acting_organisation(request, ExchangeActivity)
    initial = {}
    if request.GET.get("partnership"):
        initial["partnership"] = Partnership.objects.filter(slug=request.GET["partnership"]).first()
    # Opened from what another app holds (an accepted introduction, registered by the
    # matcher): the form starts from what that source already knows.
    prefilled, sources = activity_sources.prefill(request, organisation)
    initial.update(prefilled)
    form = ActivityForm(request.POST or None, organisation=organisation, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        activity = services.log_activity(
            _activity_values(data), data["sides"], request.user, organisation
        )
        services.set_activity_practices(activity, data["practices"])
        messages.success(request, _("The exchange has been logged; the other side can confirm it."))
        _warn_without_goals(request, data)
        return redirect(activity.get_absolute_url())
    return render(
        request,
        "partnerships/activity_form.html",
        {"form": form, "activity": None, **sources},
        status=_form_status(request, form),
    )


@login_required
def activity_edit(request, slug):
    activity = get_object_or_404(ExchangeActivity, slug=slug)
    if not can_edit(request.user, activity):
        raise PermissionDenied(
            _("Only the side that logged this exchange can change it; you can confirm it.")
        )
    organisation = activity.logged_by_organisation or request.user.organisation
    if organisation is None:
        raise PermissionDenied(_("This exchange comes from the sources; change it in the admin."))
    sides = list(
        activity.sides.select_related("organisation__municipality", "place__country", "country")
    )
    own = next((s for s in sides if s.organisation_id == organisation.pk), None)
    others = [s for s in sides if s is not own]
    initial = {
        **{name: getattr(activity, name) for name in ACTIVITY_FIELDS},
        "practices": activity.practices.all(),
        "own_direction": own.direction if own else "",
        "own_participants": own.participants if own else None,
        "own_hours": own.hours if own else None,
    }
    if others:
        initial.update(
            # By name where the name is unambiguous (parties by name, issue 13).
            other_party=party_name(others[0].organisation)
            if others[0].organisation is not None
            else services.party_text(others[0]),
            other_direction=others[0].direction,
            other_participants=others[0].participants,
            other_hours=others[0].hours,
        )
    form = ActivityForm(
        request.POST or None, organisation=organisation, initial=initial, instance=activity
    )
    conflict = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # Parties beyond the two the form shows stay as they were.
        extra = [services.side_input_of(s) for s in others[1:]]
        try:
            services.update_activity(
                activity,
                _activity_values(data),
                data["sides"] + extra,
                data["practices"],
                user=request.user,
                expected_version=form.expected_version,
            )
        except VersionConflict:
            conflict = True
            form.reject_stale(ExchangeActivity.objects.get(pk=activity.pk))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("The exchange has been changed; the other side is asked to confirm it.")
            )
            _warn_without_goals(request, data)
            return redirect(activity.get_absolute_url())
    return render(
        request,
        "partnerships/activity_form.html",
        {"form": form, "activity": activity},
        status=_form_status(request, form, conflict),
    )


@login_required
def membership_create(request):
    organisation = _acting_organisation(request, NetworkMembership)
    form = MembershipForm(request.POST or None, member=organisation)
    if request.method == "POST" and form.is_valid():
        services.save_membership(form.save(commit=False), form.cleaned_data["themes"])
        messages.success(request, _("The membership has been saved."))
        return redirect(organisation.get_absolute_url())
    return render(
        request,
        "partnerships/membership_form.html",
        {"form": form, "membership": None, "member": organisation},
        status=_form_status(request, form),
    )


@login_required
def membership_edit(request, pk):
    membership = get_object_or_404(NetworkMembership.objects.select_related("member"), pk=pk)
    if not can_edit(request.user, membership):
        raise PermissionDenied(_("Only the member itself can change this membership."))
    if request.method == "POST" and "delete" in request.POST:
        services.delete_membership(membership)
        messages.success(request, _("The membership has been removed."))
        return redirect(membership.member.get_absolute_url())
    form = MembershipForm(request.POST or None, instance=membership)
    if request.method == "POST" and form.is_valid():
        services.save_membership(form.save(commit=False), form.cleaned_data["themes"])
        messages.success(request, _("The membership has been saved."))
        return redirect(membership.member.get_absolute_url())
    return render(
        request,
        "partnerships/membership_form.html",
        {"form": form, "membership": membership, "member": membership.member},
        status=_form_status(request, form),
    )
