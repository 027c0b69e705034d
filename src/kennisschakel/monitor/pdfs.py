"""The monitor's PDFs, made in the background (files app): the analyst report, the
letters with access codes, and "where do we stand".

The pages only ask for a file (``files.jobs.request_file``) and show its job page; the
worker runs the kinds registered here. Each kind checks who may have the file with the
same rule as the page it comes from.

Speed (benchmarks/pdf_generation.py): the HTML is rendered in Python, WeasyPrint lays
it out. The report and the letters are laid out in parts, side by side (progress per
part, merged with pypdf); the report's charts are drawn in the same processes.
"""

from __future__ import annotations

from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kennisschakel.files import pdf
from kennisschakel.files.kinds import FileKind, register
from kennisschakel.monitor import charts, qr, rules, services
from kennisschakel.monitor.models import Invitation, Wave

PDF_DOCUMENT = "monitor/benchmark_document.html"
#: Letters laid out per chunk: progress on the page after each one.
LETTER_CHUNK = 60


class FileRefused(Exception):
    """The file cannot be made (e.g. the wave has reopened); ``user_message`` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.user_message = message


def html_to_pdf(html: str) -> bytes:
    return pdf.render(html)


def parts_to_pdf(parts: list[str], progress=None) -> bytes:
    """The letters' parts → one PDF; each part's QR codes are made where it is laid out."""
    return pdf.render_parts(parts, progress, prepare=qr.draw_qr_codes)


def report_to_pdf(parts: list[str], progress=None) -> bytes:
    """The report's parts → one PDF; each part's charts are drawn where it is laid out."""
    return pdf.render_parts(parts, progress, prepare=charts.draw_referenced_charts)


def job_wave(job) -> Wave:
    """The wave a generated file is about (refused when it no longer exists)."""
    wave = (
        Wave.objects.select_related("instrument", "size_scheme")
        .filter(slug=job.parameters.get("wave"))
        .first()
    )
    if wave is None:
        raise FileRefused(_("This wave no longer exists."))
    return wave


# --------------------------------------------------------------------------- the report


def _weight(table: dict) -> int:
    """Roughly how much a table gives WeasyPrint to lay out."""
    rows = len(table["rows"]) + sum(len(c["rows"]) for c in table["comparisons"])
    return 4 + rows + (12 if table["chart_png"] else 0)


def report_parts(wave: Wave, parts: int | None = None) -> list[str]:
    """The report as ``parts`` HTML documents of about equal weight (split between tables),
    laid out side by side by the pool in ``files.pdf`` and merged in order. Charts are
    references (``charts.chart_reference``) that ``report_to_pdf`` draws."""
    from kennisschakel.monitor.report_pages import report_context

    # Two parts per process, each taken as a process comes free: drawing and layout
    # stay balanced on every core (benchmarks/pdf_generation.py); one part without a pool.
    parts = parts or (pdf.processes() * 2 if pdf.processes() > 1 else 1)
    context = report_context(wave, chart_format="png")
    context.update(layout=PDF_DOCUMENT, pdf=True)
    tables = context["tables"]
    weights = [_weight(table) for table in tables]
    share = sum(weights) / max(parts, 1)
    groups, current, load = [], [], 0
    for table, weight in zip(tables, weights, strict=True):
        if current and load >= share and len(groups) < parts - 1:
            groups.append(current)
            current, load = [], 0
        current.append(table)
        load += weight
    groups.append(current)
    return [
        render_to_string(
            "monitor/report.html",
            {
                **context,
                "tables": group,
                "continuation": index > 0,
                "trends": context["trends"] if index == len(groups) - 1 else [],
            },
        )  # fmt: skip
        for index, group in enumerate(groups)
    ]


def may_see_report(user, wave: Wave) -> bool:
    return wave.status == Wave.Status.CLOSED or rules.may_run_waves(user)


def _make_report(job, progress):
    wave = job_wave(job)
    progress(0, 0, _("Computing the tables and drawing the charts…"))
    parts = report_parts(wave)

    def laid_out(done, total):
        progress(done, total + 1, _("Laying out the PDF: part %(done)s of %(total)s ready.")
                 % {"done": done, "total": total})  # fmt: skip

    progress(0, len(parts) + 1, _("Drawing the charts and laying out the PDF…"))
    return report_to_pdf(parts, laid_out)


def _report_access(request, job) -> bool:
    wave = Wave.objects.filter(slug=job.parameters.get("wave")).first()
    return wave is not None and may_see_report(request.user, wave)


REPORT = register(
    FileKind(
        name="monitor-report",
        title=lambda job: (
            _("Analyst report (PDF): %(wave)s")
            % {"wave": job.parameters.get("title", job.parameters.get("wave"))}
        ),
        filename=lambda job: f"monitor-{job.parameters['wave']}.pdf",
        make=_make_report,
        may_access=_report_access,
        source_url=lambda job: reverse("monitor:wave-report", args=[job.parameters["wave"]]),
        shared=True,
    )
)


# --------------------------------------------------------------------------- the letters


def letters_html(wave: Wave, letters: list[tuple[Invitation, str]]) -> str:
    """One letter per (invitation, code): the personal link (printed, and as a QR code that
    ``qr.draw_qr_codes`` fills in where the part is laid out), the address and code to
    type as fallback, the wave's helpdesk line."""
    rows = [
        {"invitation": invitation, "code": code, "link": services.link_url(wave, code)}
        for invitation, code in letters
    ]
    return render_to_string(
        "monitor/letters_document.html",
        {"wave": wave, "letters": rows, "url": services.answer_url(wave),
         "today": timezone.localdate()},
    )  # fmt: skip


def letters_parts(wave: Wave, letters: list[tuple[Invitation, str]]) -> list[str]:
    """The letters as HTML documents of LETTER_CHUNK letters each."""
    chunks = [letters[i : i + LETTER_CHUNK] for i in range(0, len(letters), LETTER_CHUNK)]
    return [letters_html(wave, chunk) for chunk in chunks or [[]]]


def letters_pdf(wave: Wave, letters: list[tuple[Invitation, str]], progress=None) -> bytes:
    """One page per letter; the chunks are laid out side by side and merged, the page
    counts the letters laid out so far."""
    parts = letters_parts(wave, letters)
    total = len(letters)

    def laid_out(done_parts, _total_parts):
        done = min(done_parts * LETTER_CHUNK, total)
        if progress:
            progress(done, total, _("Letters laid out: %(done)s of %(total)s.")
                     % {"done": done, "total": total})  # fmt: skip

    return parts_to_pdf(parts, laid_out)


def _make_letters(job, progress):
    wave = job_wave(job)
    progress(0, 0, _("Issuing new access codes…"))
    issued = services.issue_letter_codes(wave)
    content = letters_pdf(wave, issued, progress)
    # Emails only once the letters exist: a failure above leaves nobody with a code
    # that was neither printed nor sent.
    with transaction.atomic():  # the outbox rows together; the worker sends them
        sent = services.send_letter_emails(issued)
    note = ngettext(
        "%(letters)s letters; %(sent)s email with the code is on its way.",
        "%(letters)s letters; %(sent)s emails with the code are on their way.",
        sent,
    ) % {"letters": len(issued), "sent": sent}
    return content, note


LETTERS = register(
    FileKind(
        name="monitor-letters",
        title=lambda job: (
            _("Letters with access codes (PDF): %(wave)s")
            % {"wave": job.parameters.get("title", job.parameters.get("wave"))}
        ),
        filename=lambda job: f"brieven-{job.parameters['wave']}.pdf",
        make=_make_letters,
        may_access=lambda request, job: rules.may_run_waves(request.user),
        source_url=lambda job: reverse("monitor:wave-detail", args=[job.parameters["wave"]]),
        shared=True,
    )
)


# --------------------------------------------------------------------------- where do we stand


def where_we_stand_html(invitation: Invitation) -> str:
    """The page's figures and its trend (chart and data table), as on the page."""
    from kennisschakel.monitor.report_pages import benchmark_context, trend_context

    context = benchmark_context(invitation)
    context["trends"] = trend_context(invitation, context["size_class_label"])
    return render_to_string(PDF_DOCUMENT, context)


def _make_where_we_stand(job, progress):
    wave = job_wave(job)
    invitation = (
        Invitation.objects.select_related("wave__instrument", "municipality")
        .filter(pk=job.parameters.get("invitation"), wave=wave)
        .first()
    )
    if invitation is None or wave.status != Wave.Status.CLOSED:
        raise FileRefused(_("The results of this wave are not open (any more)."))
    progress(0, 2, _("Comparing your answers…"))
    html = where_we_stand_html(invitation)
    progress(1, 2, _("Laying out the PDF…"))
    return html_to_pdf(html)


def _where_we_stand_access(request, job) -> bool:
    from kennisschakel.monitor.report_pages import own_invitation

    wave = Wave.objects.filter(slug=job.parameters.get("wave")).first()
    if wave is None:
        return False
    own = own_invitation(request, wave)
    return own is not None and own.pk == job.parameters.get("invitation")


WHERE_WE_STAND = register(
    FileKind(
        name="monitor-where-we-stand",
        title=lambda job: (
            _("Where do we stand (PDF): %(name)s") % {"name": job.parameters.get("name", "")}
        ),
        filename=lambda job: (
            f"waar-staan-wij-{job.parameters['wave']}-{job.parameters.get('cbs_code', '')}.pdf"
        ),
        make=_make_where_we_stand,
        may_access=_where_we_stand_access,
        source_url=lambda job: reverse("monitor:where-we-stand", args=[job.parameters["wave"]]),
        shared=False,
    )
)
