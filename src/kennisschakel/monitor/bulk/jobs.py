"""The bulk actions as generated files on the worker (``files`` app), with progress:
letters give a PDF, the others a dispatch report (CSV), each ends with an outcome line."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kennisschakel.core.tabular import write_csv
from kennisschakel.files.kinds import FileKind, register
from kennisschakel.monitor import rules, services
from kennisschakel.monitor.bulk.codes import issue_letters
from kennisschakel.monitor.bulk.emails import email_code
from kennisschakel.monitor.bulk.plans import (
    LETTERS,
    REMINDERS,
    bulk_population,
    bulk_targets,
    outcome_line,
    plan,
)
from kennisschakel.monitor.bulk.status import deliverable
from kennisschakel.monitor.models import Invitation, Wave
from kennisschakel.monitor.pdfs import FileRefused, job_wave, letters_pdf


def _stamp(job) -> tuple[datetime.datetime, str]:
    seen = datetime.datetime.fromisoformat(job.parameters["seen"])
    return seen, job.parameters["form"]


def _print_and_mail(job, progress, wave, ids, *, revoke_all, email) -> tuple[bytes, str]:
    seen, form_id = _stamp(job)
    progress(0, 0, _("Issuing new access codes…"))
    issued = issue_letters(wave, ids, seen, form_id, revoke_all=revoke_all)
    content = letters_pdf(wave, issued.letters, progress)
    # Emails only once the letters exist: a failure above leaves nobody with a code that
    # was neither printed nor sent (the job can be retried: same form, same claim).
    emails = without = 0
    if email:
        now = timezone.now()
        with transaction.atomic():
            rows = {
                row.pk: row
                for row in Invitation.objects.filter(
                    pk__in=[i.pk for i, _code in issued.letters]
                ).prefetch_related("contact_addresses")
            }
            for invitation, code in issued.letters:
                addresses = deliverable(rows[invitation.pk])
                if not addresses:
                    without += 1
                for address in addresses:
                    email_code(invitation, address, "monitor/email/invitation.txt", code)
                    emails += 1
            Invitation.objects.filter(
                pk__in=[pk for pk, row in rows.items() if deliverable(row)]
            ).update(emailed_at=now)
    note = outcome_line(
        len(issued.letters), emails if email else None, without, len(issued.skipped), issued.revoked
    )
    return content, note


def _make_bulk_letters(job, progress):
    wave = job_wave(job)
    replace = bool(job.parameters.get("replace"))
    found = plan(wave, LETTERS, replace)
    if not found.possible:
        raise FileRefused(found.refusal)
    ids = [row.pk for row in bulk_targets(wave, LETTERS, replace)]
    return _print_and_mail(job, progress, wave, ids, revoke_all=False, email=True)


def _make_selection_letters(job, progress):
    wave = job_wave(job)
    if wave.status == Wave.Status.CLOSED:
        raise FileRefused(_("The wave is closed: there is nothing left to invite anyone to."))
    new_code = job.parameters.get("action") == "new_code"
    return _print_and_mail(
        job, progress, wave, job.parameters["invitations"], revoke_all=new_code, email=new_code
    )


def _report(rows: list[tuple[Invitation, str]]) -> bytes:
    """The dispatch report: per municipality what was done (never a code)."""
    header = [_("CBS code"), _("Municipality"), _("Outcome")]
    table = [[invitation.cbs_code, invitation.name, what] for invitation, what in rows]
    return write_csv([header, *table]).encode("utf-8-sig")


def _make_bulk_emails(job, progress):
    """All emails or all reminders: in chunks of 20, each its own transaction (codes and
    outbox rows together), progress after each."""
    wave = job_wave(job)
    action = job.parameters["action"]
    found = plan(wave, action)
    if not found.possible:
        raise FileRefused(found.refusal)
    targets = bulk_targets(wave, action, False)
    template = (
        "monitor/email/reminder.txt" if action == REMINDERS else "monitor/email/invitation.txt"
    )
    stamp = "reminded_at" if action == REMINDERS else "emailed_at"
    report, emails, without = [], 0, 0
    total = len(targets)
    for start in range(0, total, 20):
        chunk = targets[start : start + 20]
        with transaction.atomic():
            now = timezone.now()
            for invitation in chunk:
                current = Invitation.objects.select_for_update().get(pk=invitation.pk)
                if current.submitted_at:
                    report.append((invitation, _("submitted meanwhile: no email")))
                    continue
                addresses = deliverable(invitation)
                if not addresses:
                    without += 1
                    report.append((invitation, _("no email address")))
                    continue
                for address in addresses:
                    email_code(invitation, address, template)
                    emails += 1
                Invitation.objects.filter(pk=invitation.pk).update(**{stamp: now})
                report.append((invitation, _("email to %(addresses)s")
                               % {"addresses": ", ".join(addresses)}))  # fmt: skip
        done = min(start + 20, total)
        progress(done, total, _("Emails ready: %(done)s of %(total)s municipalities.")
                 % {"done": done, "total": total})  # fmt: skip
    return _report(report), outcome_line(None, emails, without)


def _make_close(job, progress):
    wave = job_wave(job)
    if wave.status == Wave.Status.CLOSED:
        raise FileRefused(_("The wave is already closed."))
    progress(0, 1, _("Closing the wave…"))
    services.close_wave(wave, job.user)
    rows = bulk_population(wave)
    report = [
        (row, _("submitted") if row.submitted_at
         else _("started, not submitted: not counted") if row.started_at
         else _("did not answer"))
        for row in rows
    ]  # fmt: skip
    submitted = sum(1 for row in rows if row.submitted_at)
    note = ngettext(
        "The wave is closed: %(submitted)s of %(total)s municipality submitted.",
        "The wave is closed: %(submitted)s of %(total)s municipalities submitted.",
        len(rows),
    ) % {"submitted": submitted, "total": len(rows)}
    return _report(report), note


def _runner(request, job) -> bool:
    return rules.may_run_waves(request.user)


def _title(label):
    return lambda job: label % {"wave": job.parameters.get("title", job.parameters.get("wave"))}


def _back(job) -> str:
    return reverse("monitor:wave-tokens", args=[job.parameters["wave"]])


register(
    FileKind(
        name="monitor-bulk-letters",
        title=lambda job: (
            _("All letters (PDF): %(wave)s") % {"wave": job.parameters.get("title", "")}
        ),
        filename=lambda job: f"brieven-{job.parameters['wave']}.pdf",
        make=_make_bulk_letters,
        may_access=_runner,
        source_url=_back,
        shared=True,
    )
)
register(
    FileKind(
        name="monitor-selection-letters",
        title=lambda job: ngettext(
            "%(count)s letter (PDF): %(wave)s", "%(count)s letters (PDF): %(wave)s",
            len(job.parameters.get("invitations", [])),
        ) % {"count": len(job.parameters.get("invitations", [])),
             "wave": job.parameters.get("title", "")},
        filename=lambda job: f"brieven-{job.parameters['wave']}-selectie.pdf",
        make=_make_selection_letters,
        may_access=_runner,
        source_url=_back,
        shared=True,
    )
)  # fmt: skip
register(
    FileKind(
        name="monitor-bulk-emails",
        title=lambda job: (
            _("Reminders: %(wave)s") if job.parameters.get("action") == REMINDERS
            else _("Emails with codes: %(wave)s")
        ) % {"wave": job.parameters.get("title", "")},
        filename=lambda job: f"verzendverslag-{job.parameters['wave']}.csv",
        make=_make_bulk_emails,
        may_access=_runner,
        source_url=_back,
        shared=True,
        content_type="text/csv; charset=utf-8",
    )
)  # fmt: skip
register(
    FileKind(
        name="monitor-close",
        title=lambda job: (
            _("Closing the wave: %(wave)s") % {"wave": job.parameters.get("title", "")}
        ),
        filename=lambda job: f"sluiting-{job.parameters['wave']}.csv",
        make=_make_close,
        may_access=_runner,
        source_url=lambda job: reverse("monitor:wave-detail", args=[job.parameters["wave"]]),
        shared=True,
        content_type="text/csv; charset=utf-8",
    )
)
