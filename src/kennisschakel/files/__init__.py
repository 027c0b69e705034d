"""Files made in the background (PDFs): a job per file, its page, its download.

models.py   GeneratedFile: kind, parameters, requester, status, progress, the file, expiry
kinds.py    the registry of file kinds (what makes the file, who may fetch it)
jobs.py     request_file() (one active job per request fingerprint), progress, purge
tasks.py    make_file (queue "files"), purge_generated_files
views.py    /bestanden/<uuid>/ (page, download, retry); api.py /api/v1/file-jobs/<uuid>
"""
