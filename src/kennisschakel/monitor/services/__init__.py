"""Domain operations of the monitor (no HTTP), one module per job:

* :mod:`.waves`: create a wave with its population, change it, open or close it by hand;
* :mod:`.codes`: access codes and the lock-out against guessing them;
* :mod:`.answers`: saving and submitting answers;
* :mod:`.emails`: receipts, invitations and reminders through the outbox;
* :mod:`.forwarding`: forwarding a questionnaire to a colleague.

The names below are the ones callers use (``services.create_wave``); the "opened" /
"closed" notifications are the schedule's (``schedule.notify_wave``).
"""

from kennisschakel.monitor.schedule import notify_wave
from kennisschakel.monitor.services.answers import (
    ANSWER_MESSAGES,
    JSON_SAFE_INTEGER,
    SaveResult,
    answer_message,
    missing_answers,
    save_answers,
    submit,
)
from kennisschakel.monitor.services.codes import (
    CodeRejected,
    check_code,
    client_locked,
    code_digest,
    code_phase,
    issue_code,
    issue_letter_codes,
    new_code,
    normalise_code,
)
from kennisschakel.monitor.services.emails import (
    answer_url,
    link_url,
    send_email,
    send_letter_emails,
    send_receipt,
    send_reminders,
)
from kennisschakel.monitor.services.forwarding import (
    FORWARD_NOTE_LENGTH,
    ForwardRefused,
    delegate,
    neutralised_note,
)
from kennisschakel.monitor.services.waves import (
    close_wave,
    create_wave,
    instrument_scheme,
    population_on,
    set_status,
    update_wave,
)

__all__ = [
    "ANSWER_MESSAGES",
    "FORWARD_NOTE_LENGTH",
    "JSON_SAFE_INTEGER",
    "CodeRejected",
    "ForwardRefused",
    "SaveResult",
    "answer_message",
    "answer_url",
    "check_code",
    "client_locked",
    "close_wave",
    "code_digest",
    "code_phase",
    "create_wave",
    "delegate",
    "instrument_scheme",
    "issue_code",
    "issue_letter_codes",
    "link_url",
    "missing_answers",
    "neutralised_note",
    "new_code",
    "normalise_code",
    "notify_wave",
    "population_on",
    "save_answers",
    "send_email",
    "send_letter_emails",
    "send_receipt",
    "send_reminders",
    "set_status",
    "submit",
    "update_wave",
]
