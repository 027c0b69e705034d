"""Ask for a file the way a page does, let the worker make it, fetch it (tests' helper).

job_id = ask_for_file(client, url, data, django_capture_on_commit_callbacks)
content = fetch_made_file(client, job_id)   # runs the "files" queue first
"""

from django.urls import reverse

from tests.background import run_queued_tasks


def ask_for_file(client, url, data=None, capture=None) -> str:
    """POST the page's button; returns the job id from the redirect to the job page."""
    if capture is not None:
        with capture(execute=True):  # the task is queued after commit
            response = client.post(url, data or {})
    else:
        response = client.post(url, data or {})
    assert response.status_code == 302, response.status_code
    assert response.url.startswith("/bestanden/"), response.url
    return response.url.rstrip("/").rsplit("/", 1)[-1]


def fetch_made_file(client, job_id: str, capture=None, keep: bool = False) -> bytes:
    """Run the "files" queue (``capture``: also what the task queues after commit, e.g.
    emails, in a test on the ``db`` fixture), then download the job's file. The stored
    file is deleted afterwards (the rolled-back test leaves no row to purge it) unless
    ``keep``."""
    if capture is not None:
        with capture(execute=True):
            run_queued_tasks(["files"])
    else:
        run_queued_tasks(["files"])
    response = client.get(reverse("files:download", args=[job_id]))
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    # Reading it to the end closes the response the test client's way (an explicit
    # close() would also close the test's database connection).
    content = b"".join(response.streaming_content)
    if not keep:
        from kennisschakel.files.making import delete_stored
        from kennisschakel.files.models import GeneratedFile

        job = GeneratedFile.objects.get(pk=job_id)
        delete_stored(job.file.storage, job.file.name)
    return content
