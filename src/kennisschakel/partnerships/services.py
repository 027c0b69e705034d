"""Domain operations on partnerships and the exchange ledger (no HTTP here)."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kennisschakel.core.slugs import unique_slug
from kennisschakel.partnerships.models import (
    ActivitySide,
    ExchangeActivity,
    Partnership,
    PartnershipPartner,
)
from kennisschakel.register.models import ForeignPlace, Municipality, Organisation
from kennisschakel.register.services import resolve_place


@dataclass
class PartyRef:
    organisation: Organisation | None = None
    place: ForeignPlace | None = None

    @property
    def key(self) -> str:
        return f"org:{self.organisation.pk}" if self.organisation else f"place:{self.place.pk}"

    def __str__(self) -> str:
        return str(self.organisation or self.place)


def parse_party(text: str) -> PartyRef:
    """'GM0153' → Enschede; 'place: Münster, DE' → Münster; 'org: vng' → VNG.

    Raises ValidationError with a message that names what was not found.
    """
    value = text.strip()
    if value.lower().startswith("place:"):
        name, _sep, country = value[6:].rpartition(",")
        name = (name or country).strip()
        country_code = country.strip() if name != country.strip() else None
        place = resolve_place(name, country=country_code)
        if place is None and country_code:
            from kennisschakel.register.loaders import add_place_from_geonames

            place = add_place_from_geonames(name, country_code)
        if place is None:
            raise ValidationError(_("No place abroad called '%(name)s' is known.") % {"name": name})
        return PartyRef(place=place)
    if value.lower().startswith("org:"):
        organisation = Organisation.objects.filter(slug=value[4:].strip().lower()).first()
        if organisation is None:
            raise ValidationError(
                _("No organisation '%(slug)s' is known.") % {"slug": value[4:].strip()}
            )
        return PartyRef(organisation=organisation)
    municipality = (
        Municipality.objects.select_related("organisation").filter(cbs_code=value.upper()).first()
    )
    if municipality is None:
        raise ValidationError(
            _("'%(code)s' is not the CBS code of a current municipality.") % {"code": value}
        )
    return PartyRef(organisation=municipality.organisation)


@transaction.atomic
def create_partnership(
    values: dict, partners: list[PartyRef], user=None, motives=(), domains=()
) -> Partnership:
    keys = [p.key for p in partners]
    if len(set(keys)) < 2:
        raise ValidationError(_("A partnership needs at least two different partners."))
    start, end = values.get("start_year"), values.get("end_year")
    if start and end and end < start:
        raise ValidationError(_("The end year lies before the start year."))
    partnership = Partnership(**values, created_by=user)
    partnership.slug = partnership.slug or unique_slug(Partnership, partnership.name)
    partnership.full_clean(exclude=["motives", "domains"])
    partnership.save()
    PartnershipPartner.objects.bulk_create(
        [
            PartnershipPartner(partnership=partnership, organisation=p.organisation, place=p.place)
            for p in partners
        ]
    )
    partnership.motives.set(motives)
    partnership.domains.set(domains)
    return partnership


@dataclass
class SideInput:
    party: PartyRef
    direction: str
    participants: int | None = None
    hours: float | None = None


def validate_activity(
    start: datetime.date | None, end: datetime.date | None, sides: list[SideInput]
) -> None:
    """Raise ValidationError({field: [messages]}) when the activity cannot be right."""
    errors: dict[str, list[str]] = {}
    if start and end and end < start:
        errors.setdefault("end_date", []).append(_("The end date lies before the start date."))
    if len({s.party.key for s in sides}) != len(sides) or len(sides) < 2:
        errors.setdefault("parties", []).append(
            _("An activity takes place between at least two different parties.")
        )
    for side in sides:
        if side.hours is not None and side.hours < 0:
            errors.setdefault("hours", []).append(
                _("Hours cannot be negative (%(party)s).") % {"party": side.party}
            )
        if side.participants is not None and side.participants < 0:
            errors.setdefault("participants", []).append(
                _("Participants cannot be negative (%(party)s).") % {"party": side.party}
            )
        if side.direction not in ActivitySide.Direction.values:
            errors.setdefault("direction", []).append(
                _("Unknown direction '%(value)s'.") % {"value": side.direction}
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def log_activity(
    values: dict, sides: list[SideInput], user=None, organisation: Organisation | None = None
) -> ExchangeActivity:
    """Record one activity with one side per party: seen from both sides, stored once."""
    validate_activity(values.get("start_date"), values.get("end_date"), sides)
    activity = ExchangeActivity(**values, logged_by=user, logged_by_organisation=organisation)
    activity.slug = activity.slug or unique_slug(ExchangeActivity, activity.title)
    if organisation is None:
        activity.confirmation = ExchangeActivity.Confirmation.CONFIRMED  # from the sources
    activity.save()
    ActivitySide.objects.bulk_create(
        [
            ActivitySide(
                activity=activity,
                organisation=s.party.organisation,
                place=s.party.place,
                direction=s.direction,
                participants=s.participants,
                hours=s.hours,
            )
            for s in sides
        ]
    )
    return activity


def confirm_activity(activity: ExchangeActivity, agree: bool, note: str = "") -> ExchangeActivity:
    activity.confirmation = (
        ExchangeActivity.Confirmation.CONFIRMED if agree else ExchangeActivity.Confirmation.DISPUTED
    )
    activity.confirmation_note = note
    activity.save(update_fields=["confirmation", "confirmation_note"])
    return activity
