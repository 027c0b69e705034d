"""Adoptions: another organisation records what became of a practice; the owner replies."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kennisschakel.knowledge import services
from kennisschakel.knowledge.forms import AdoptionForm, ReplyForm
from kennisschakel.knowledge.rules import can_adopt, can_reply
from kennisschakel.knowledge.views.practices import visible_practice


@login_required
def adoption_create(request, slug):
    practice = visible_practice(request, slug)
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
    practice = visible_practice(request, slug)
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
