"""A practice's files: adding one (its owners) and downloading it (whoever may see the
practice)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from kennisschakel.core.permissions import can_edit
from kennisschakel.knowledge import services
from kennisschakel.knowledge.downloads import serve_file
from kennisschakel.knowledge.forms import AttachmentForm
from kennisschakel.knowledge.models import Practice
from kennisschakel.knowledge.views.practices import visible_practice


@login_required
def attachment_upload(request, slug):
    practice = visible_practice(request, slug)
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
    practice = visible_practice(request, slug)
    attachment = get_object_or_404(practice.attachments, pk=pk)
    return serve_file(
        attachment.file,
        attachment.original_name,
        attachment.content_type,
        private=practice.status != Practice.Status.PUBLISHED,
    )
