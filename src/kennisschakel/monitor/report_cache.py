"""A wave's computed report, kept in the cache while its answers stay the same.

The report page, its chart images and the JSON export all need the same tables: the
wave's own (``reporting.wave_report``), the comparison with the printed tables and the
trend over earlier closed waves of the instrument. Computing them reads every
submitted answer of up to ten waves and runs the survey engine over them: a few hundred
milliseconds for a national wave, repeated for every visitor and every chart.

The cache key is a fingerprint of everything the tables depend on in the database, read
with two small aggregate queries (the instrument and the printed tables are code and
data files, which change only with a new release and a new process):

* the size classes of the wave's scheme (labels and order);
* per wave in the trend: its status, ``min_cell``, size scheme and reference date;
* per wave: the number of invitations per size class (the report's population, also
  what changes when a municipality moves to another class), the number submitted and
  the latest ``saved_at`` / ``submitted_at`` — every way answers arrive (the form's
  autosave and submit, the CSV/XLSX import) moves one of these.

A change thus shows on the next request in every process; old entries age out.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Max, Q

from kennisschakel.engines import survey
from kennisschakel.monitor import reporting
from kennisschakel.monitor.models import Invitation, Wave

_TIMEOUT = 6 * 60 * 60


@dataclass(frozen=True)
class ComputedReport:
    groups: list[survey.Group]
    tables: list[survey.Table]
    comparisons: list[dict]
    trends: list[survey.Table]
    #: The fingerprint it was computed for: the report page caches its rendered tables
    #: under it too (thousands of formatted figures take most of the page's time).
    fingerprint: str = ""


def fingerprint(wave: Wave, groups: list[survey.Group]) -> str:
    """What the wave's report depends on, as a short hash (two queries; ``groups``, the
    size classes as ``reporting.groups_of`` reads them, go into it as read)."""
    waves = list(
        Wave.objects.filter(
            Q(pk=wave.pk)
            | (
                Wave.status_q(Wave.Status.CLOSED)
                & Q(instrument_id=wave.instrument_id, reference_date__lt=wave.reference_date)
                & Q(is_practice=False)  # never in a trend (reporting.trend_waves)
            )
        )
        .order_by("pk")
        .values_list("pk", "min_cell", "size_scheme_id", "reference_date", "period")
    )
    # The status is computed, not stored: this wave's (its report is open or not) and
    # which earlier waves count as closed today (the rows above) both go into the hash.
    status = wave.effective_status()
    answers = list(
        Invitation.objects.filter(wave_id__in=[row[0] for row in waves])
        .order_by("wave_id", "size_class")
        .values_list("wave_id", "size_class")
        .annotate(
            invited=Count("pk"),
            submitted=Count("pk", filter=Q(submitted_at__isnull=False)),
            last_saved=Max("saved_at"),
            last_submitted=Max("submitted_at"),
        )
    )
    text = repr((wave.pk, status, waves, answers, groups))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def computed_report(wave: Wave) -> ComputedReport:
    """The wave's tables, comparisons and trends: from the cache while nothing changed."""
    groups = reporting.groups_of(wave)
    print_ = fingerprint(wave, groups)
    key = f"monitor-report:{wave.pk}:{print_}"
    found = cache.get(key)
    if found is None:
        tables = reporting.wave_report(wave)
        found = ComputedReport(
            groups=groups,
            tables=tables,
            comparisons=reporting.compare_with_published(wave, tables=tables, groups=groups),
            trends=reporting.trend_report(wave),
            fingerprint=print_,
        )
        cache.set(key, found, _TIMEOUT)
    return found
