"""A wave's life as writes: create it with its population, change it, open or close it
by hand (the status itself follows the dates: ``Wave.effective_status``)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kennisschakel.core.slugs import save_with_unique_slug
from kennisschakel.monitor import schedule
from kennisschakel.monitor.models import Invitation, Wave
from kennisschakel.register import models as register
from kennisschakel.register.services import municipality_codes_on, size_schemes


def population_on(reference_date: datetime.date, scheme: register.SizeScheme) -> list[dict]:
    """The municipalities that existed on ``reference_date``, with size class and province.

    Today's municipalities are classified by their registered inhabitants; municipalities
    that have since merged away keep their name from the merger register and get no size
    class (the register holds no inhabitants for them), so they count in totals only.
    """
    codes = municipality_codes_on(reference_date)
    bands = next(s for s in size_schemes() if s.scheme.pk == scheme.pk)
    current = {
        m.cbs_code: m
        for m in register.Municipality.objects.select_related("province").filter(cbs_code__in=codes)
    }
    former = dict(
        register.Merger.objects.filter(old_code__in=codes - set(current)).values_list(
            "old_code", "old_name"
        )
    )
    rows = []
    for code in sorted(codes):
        municipality = current.get(code)
        if municipality is not None:
            size_class = bands.class_for(municipality.inhabitants)
            rows.append(
                {
                    "cbs_code": code,
                    "name": municipality.name,
                    "municipality": municipality,
                    "size_class": size_class.slug if size_class else "",
                    "province": municipality.province.name,
                }
            )
        else:
            rows.append({"cbs_code": code, "name": former.get(code, code), "municipality": None})
    return rows


def instrument_scheme(instrument) -> register.SizeScheme:
    """The size-class scheme the instrument's definition names (its tables use its classes)."""
    scheme = register.SizeScheme.objects.filter(
        slug=(instrument.definition or {}).get("size_scheme", "")
    ).first()
    if scheme is None:
        raise ValidationError(
            {
                "instrument": _(
                    "The size classes this questionnaire uses are not in the register; "
                    "ask the administrator to load the reference data."
                )
            }
        )
    return scheme


@transaction.atomic
def create_wave(values: dict, user=None) -> Wave:
    """A wave with one invitation per municipality of its population. Without a slug one
    is made from the title; the size-class scheme is the instrument's. Its status follows
    its dates from now on (``Wave.effective_status``)."""
    values = dict(values)
    if values["closes_on"] < values["opens_on"]:
        raise ValidationError({"closes_on": _("The closing date lies before the opening date.")})
    scheme = instrument_scheme(values["instrument"])
    if values.get("size_scheme") not in (None, scheme):
        raise ValidationError(
            {
                "size_scheme": _("This questionnaire uses the size classes of %(scheme)s.")
                % {"scheme": scheme}
            }
        )
    values["size_scheme"] = scheme
    wave = Wave(**values, created_by=user)
    if wave.slug:
        wave.full_clean()
        wave.save()
    else:
        wave.full_clean(exclude=["slug"])
        save_with_unique_slug(wave, wave.title, fallback="golf")
    Invitation.objects.bulk_create(
        [
            Invitation(wave=wave, **row)
            for row in population_on(wave.reference_date, wave.size_scheme)
        ]
    )
    schedule.announce_status(wave)  # created open (or closed): the invited hear of it
    return wave


def update_wave(
    wave: Wave,
    values: dict | None = None,
    *,
    fields: list[str] | None = None,
    override: str | None = None,
    user=None,
) -> Wave:
    """Store a wave's changed title, dates, smallest group and the like (``fields``: only
    these columns; None saves the whole row). An ``override`` that differs from the stored
    one is set as by :func:`set_status`. New dates may open or close the wave today: that
    is announced (once)."""
    for name, value in (values or {}).items():
        setattr(wave, name, value)
    wave.save(update_fields=fields)
    if override is not None and override != wave.status_override:
        set_status(wave, override, user)
    schedule.announce_status(wave)
    return wave


def set_status(
    wave: Wave, override: str, user=None, closes_on: datetime.date | None = None
) -> Wave:
    """Open now, close now or back to the dates, recorded with who and when; the
    notification the new status calls for goes out at once (``schedule.set_override``)."""
    return schedule.set_override(wave, override, user, closes_on)


def close_wave(wave: Wave, user=None) -> Wave:
    """Close now, before the closing date (recorded; see :func:`set_status`)."""
    return set_status(wave, Wave.Status.CLOSED, user)
