"""The token list as CSV or XLSX: never a code (only hashes exist), the number of valid
codes instead."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy

from kennisschakel.core.tabular import write_csv, write_xlsx
from kennisschakel.monitor.bulk.status import decorate, token_rows
from kennisschakel.monitor.imports import with_practice_label
from kennisschakel.monitor.models import Wave

EXPORT_COLUMNS = [
    ("cbs_code", gettext_lazy("CBS code")),
    ("name", gettext_lazy("Municipality")),
    ("province", gettext_lazy("Province")),
    ("size_class", gettext_lazy("Size class")),
    ("status", gettext_lazy("Status")),
    ("last_activity", gettext_lazy("Last activity")),
    ("letter_sent_at", gettext_lazy("Letter")),
    ("emailed_at", gettext_lazy("Email")),
    ("reminded_at", gettext_lazy("Reminder")),
    ("started_at", gettext_lazy("Started")),
    ("submitted_at", gettext_lazy("Submitted")),
    ("live_codes", gettext_lazy("Valid codes")),
    ("addresses", gettext_lazy("Contact addresses")),
    ("bounced", gettext_lazy("Bounced addresses")),
]


def _moment(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def export_rows(wave: Wave, status: str | None = None) -> tuple[list[str], list[list]]:
    """The token list as a table: never a code (only hashes exist), the number of valid
    codes instead."""
    header = [str(label) for _key, label in EXPORT_COLUMNS]
    table = []
    for row in decorate(token_rows(wave, status)):
        table.append(
            [
                row.cbs_code,
                row.name,
                row.province,
                row.size_class,
                str(row.status_label),
                _moment(row.last_activity),
                _moment(row.letter_sent_at),
                _moment(row.emailed_at),
                _moment(row.reminded_at),
                _moment(row.started_at),
                _moment(row.submitted_at),
                row.live_codes,
                "; ".join(a.email for a in row.addresses),
                "; ".join(a.email for a in row.addresses if a.bounced_at),
            ]
        )
    return header, table


def export_csv(wave: Wave, status: str | None = None) -> str:
    header, table = export_rows(wave, status)
    # As the response export (imports.export_csv): a practice wave says its answers are made up.
    return write_csv(with_practice_label(wave, [header, *table]))


def export_xlsx(wave: Wave, status: str | None = None) -> bytes:
    """Like the wave's response export: text cells stay text (a leading '=' never
    becomes a formula), numbers stay numbers."""
    header, table = export_rows(wave, status)
    top = 2 if wave.is_practice else 1
    return write_xlsx(
        with_practice_label(wave, [header, *table]), title="codes", freeze_panes=f"C{top + 1}"
    )
