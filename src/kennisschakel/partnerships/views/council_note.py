"""The council note (raadsinformatiebrief) for a partnership or an exchange, and its PDF job."""

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kennisschakel.partnerships.models import (
    ExchangeActivity,
    Partnership,
)


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
