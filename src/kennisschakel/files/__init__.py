"""Files made in the background (PDFs): a job per file, its page, its download.

models.py   GeneratedFile: kind, parameters, requester, status, progress, the file, expiry
kinds.py    the registry of file kinds (what makes the file, who may fetch it)
jobs.py     request_file() (one active job per request fingerprint), requeue, access
making.py   run_job() (make the file in the worker, with progress), purge_expired()
tasks.py    make_file (queue "files"), purge_generated_files; the worker's PDF pool start
views.py    /bestanden/<uuid>/ (page, download, retry); api.py /api/v1/file-jobs/<uuid>
"""
