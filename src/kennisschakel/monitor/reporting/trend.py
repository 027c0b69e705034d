"""A wave beside the earlier closed waves of its instrument: the figures for all
municipalities per wave."""

from __future__ import annotations

from kennisschakel.engines import survey
from kennisschakel.monitor.models import Wave
from kennisschakel.monitor.reporting.tables import respondents_of


def trend_waves(wave: Wave) -> list[Wave]:
    """This wave and the earlier closed waves of the same instrument, oldest first.
    Practice waves (fictitious answers) are never beside real ones: a practice wave's
    trend is itself only, and no real wave's trend holds one."""
    if wave.is_practice:
        return [wave]
    earlier = (
        Wave.objects.closed_on()
        .filter(instrument=wave.instrument, reference_date__lt=wave.reference_date)
        .filter(is_practice=False)
        .order_by("reference_date")
    )
    return [*earlier, wave]


def trend_report(wave: Wave) -> list[survey.Table]:
    """Per question the figures for all municipalities in each wave of this instrument
    (``survey.compare_waves``), suppressed per wave as everywhere; empty with one wave."""
    waves = trend_waves(wave)
    if len(waves) < 2:
        return []
    labels = wave_labels(waves)
    return survey.compare_waves(
        wave.instrument.engine(),
        [(label, respondents_of(item)) for label, item in zip(labels, waves, strict=True)],
        min_cell=wave.min_cell,
    )


def wave_labels(waves: list[Wave]) -> list[str]:
    """Each wave's period; a period that repeats gets its slug beside it."""
    labels, seen = [], set()
    for item in waves:
        label = item.period if item.period not in seen else f"{item.period} ({item.slug})"
        seen.add(label)
        labels.append(label)
    return labels
