"""The page of a file being made, its download, and "try again".

Nobody sees a job they may not see the source of: every view checks
``jobs.may_access`` (the source page's rule, and for personal files: you asked).
A stranger gets the same 404 whether the job exists or not.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kennisschakel.files import jobs, kinds
from kennisschakel.files.models import GeneratedFile
from kennisschakel.knowledge.downloads import serve_file

#: Seconds between the page's own refreshes while the file is being made.
REFRESH_SECONDS = 2


def accessible_job(request, job_id) -> GeneratedFile:
    job = get_object_or_404(GeneratedFile, pk=job_id)
    if not jobs.may_access(request, job):
        raise Http404(_("There is no such file, or it is not yours."))
    return job


def job_page(request, job_id):
    job = accessible_job(request, job_id)
    kind = kinds.get(job.kind)
    context = {
        "job": job,
        "title": kind.title(job),
        "source_url": kind.source_url(job),
        "refresh": REFRESH_SECONDS if job.active else None,
    }
    if request.headers.get("HX-Request"):
        return render(request, "files/_job_status.html", context)
    return render(request, "files/job.html", context)


def download(request, job_id):
    job = accessible_job(request, job_id)
    if job.status != GeneratedFile.Status.DONE or not job.file:
        return redirect(job)
    return serve_file(job.file, job.filename, kinds.get(job.kind).content_type, private=True)


@require_POST
def retry(request, job_id):
    """A failed job asked again: a new job with the same parameters (or the active one)."""
    job = accessible_job(request, job_id)
    if job.status != GeneratedFile.Status.FAILED:
        return redirect(job)
    again, _created = jobs.request_file(request, job.kind, job.parameters)
    return redirect(again)
