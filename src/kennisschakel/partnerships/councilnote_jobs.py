"""The council note as a PDF made in the background (files app).

The page (``views.council_note`` / ``views.activity_council_note``) shows the note as
HTML from the form in the address; its "PDF" button posts the same form here, which
asks for a job and sends the visitor to the job page. The worker rebuilds the note
from the stored form data, so the PDF says what the page said.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from kennisschakel.files.kinds import FileKind, register
from kennisschakel.partnerships.models import ExchangeActivity, Partnership


class NoteUnavailable(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.user_message = message


def subject_of(parameters: dict):
    """(partnership, activity) named by a job's parameters; one of them is None."""
    if parameters.get("activity"):
        activity = (
            ExchangeActivity.objects.select_related("partnership")
            .filter(slug=parameters["activity"])
            .first()
        )
        if activity is None:
            raise NoteUnavailable(_("This activity no longer exists."))
        return None, activity
    partnership = (
        Partnership.objects.prefetch_related("motives")
        .filter(slug=parameters.get("partnership"))
        .first()
    )
    if partnership is None:
        raise NoteUnavailable(_("This partnership no longer exists."))
    return partnership, None


def note_from_data(data, partnership=None, activity=None):
    """(form, note): the note for valid form data, else ``None`` and the form's errors."""
    from kennisschakel.partnerships.councilnote import build_activity_note, build_note
    from kennisschakel.partnerships.forms import CouncilNoteForm

    form = CouncilNoteForm(data, partnership=partnership, activity=activity)
    if not form.is_valid():
        return form, None
    cleaned = form.cleaned_data
    if activity is not None:
        note = build_activity_note(
            activity, cleaned["organisation"], cleaned["hourly_rate"], form.expected_returns()
        )
    else:
        note = build_note(
            partnership,
            cleaned["organisation"],
            cleaned["start"],
            cleaned["end"],
            cleaned["hourly_rate"],
            form.expected_returns(),
        )
    return form, note


def form_fields(form) -> dict[str, str]:
    """The submitted values of the form's own fields (nothing else is stored)."""
    return {name: form.data.get(name, "") for name in form.fields}


def _make(job, progress):
    from kennisschakel.files.pdf import render
    from kennisschakel.partnerships.councilnote import render_note_html

    partnership, activity = subject_of(job.parameters)
    progress(0, 2, _("Adding up hours, costs and subsidies…"))
    _form, note = note_from_data(job.parameters.get("form", {}), partnership, activity)
    if note is None:
        raise NoteUnavailable(_("The note's data are no longer valid; open the note again."))
    progress(1, 2, _("Laying out the PDF…"))
    return render(render_note_html(note))


def _source_url(job) -> str:
    from urllib.parse import urlencode

    params = job.parameters
    if params.get("activity"):
        url = reverse("partnerships:activity-council-note", args=[params["activity"]])
    else:
        url = reverse("partnerships:council-note", args=[params.get("partnership", "")])
    return f"{url}?{urlencode(params.get('form', {}))}"


COUNCIL_NOTE = register(
    FileKind(
        name="council-note",
        title=lambda job: (
            _("Council note (PDF): %(subject)s") % {"subject": job.parameters.get("title", "")}
        ),
        filename=lambda job: (
            "raadsinformatiebrief-"
            f"{job.parameters.get('activity') or job.parameters.get('partnership')}.pdf"
        ),
        make=_make,
        # The note's page is public; the file is for the one who asked (kind not shared).
        may_access=lambda request, job: True,
        source_url=_source_url,
        shared=False,
    )
)
