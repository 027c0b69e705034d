"""A wave's codes, one municipality at a time and all at once (no HTTP), one module per job.

* The token list: per invitation its status (not invited, invited, started, submitted,
  bounced), last activity and contact addresses -- :func:`token_rows` (:mod:`.status`)
  and :func:`export_csv` / :func:`export_xlsx` (:mod:`.export`; no codes: only their
  hashes exist).
* Actions on a selection: new letter codes for a letter (:func:`issue_letters`, run by
  the worker that prints them) and :func:`invalidate_codes` (:mod:`.codes`),
  :func:`resend_emails` (:mod:`.emails`), :func:`add_contact_address` (:mod:`.contacts`).
* Bulk actions (all letters, all emails, reminders, closing): :func:`plan` counts what
  would happen for the confirmation page (:mod:`.plans`); the worker runs them as
  generated files with progress (``files`` app): letters give a PDF, the others a
  dispatch report (CSV), and
  each ends with an outcome line ("342 brieven, 120 e-mails verstuurd, …"; :mod:`.jobs`,
  imported by the files app when a file is first asked for: it needs the PDF machinery).
* Bounces: :func:`record_bounce` (:mod:`.contacts`), connected to the outbox's
  ``email_refused`` signal.

Code changes are conditional updates: every change of a municipality's codes stamps
``codes_changed_at`` / ``codes_changed_by`` (the form that asked for it). A change
asked for from a page opened *before* the last change is skipped and reported, so two
facilitators pressing "new code" at once leave exactly one valid letter code, and a
retried job (same form) may redo its own change.
"""

from kennisschakel.monitor.bulk.codes import Claimed, Letters, invalidate_codes, issue_letters
from kennisschakel.monitor.bulk.contacts import add_contact_address, connect_bounces, record_bounce
from kennisschakel.monitor.bulk.emails import Mailed, email_code, resend_emails
from kennisschakel.monitor.bulk.export import EXPORT_COLUMNS, export_csv, export_rows, export_xlsx
from kennisschakel.monitor.bulk.plans import (
    BULK_ACTIONS,
    CLOSE,
    EMAILS,
    LETTERS,
    REMINDERS,
    Plan,
    outcome_line,
    plan,
)
from kennisschakel.monitor.bulk.status import (
    BOUNCED,
    INVITED,
    NOT_INVITED,
    STARTED,
    STATUS_LABELS,
    STATUSES,
    SUBMITTED,
    Address,
    addresses_of,
    decorate,
    deliverable,
    last_activity,
    status_counts,
    token_rows,
)

__all__ = [
    "BOUNCED",
    "BULK_ACTIONS",
    "CLOSE",
    "EMAILS",
    "EXPORT_COLUMNS",
    "INVITED",
    "LETTERS",
    "NOT_INVITED",
    "REMINDERS",
    "STARTED",
    "STATUSES",
    "STATUS_LABELS",
    "SUBMITTED",
    "Address",
    "Claimed",
    "Letters",
    "Mailed",
    "Plan",
    "add_contact_address",
    "addresses_of",
    "connect_bounces",
    "decorate",
    "deliverable",
    "email_code",
    "export_csv",
    "export_rows",
    "export_xlsx",
    "invalidate_codes",
    "issue_letters",
    "last_activity",
    "outcome_line",
    "plan",
    "record_bounce",
    "resend_emails",
    "status_counts",
    "token_rows",
]
