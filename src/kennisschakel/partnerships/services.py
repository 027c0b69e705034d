"""Domain operations on partnerships and the exchange ledger (no HTTP here)."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from kennisschakel.accounts.models import Role, User
from kennisschakel.core.background.outbox import queue_email
from kennisschakel.core.slugs import unique_slug
from kennisschakel.core.versioning import claim_version
from kennisschakel.notifications import services as notifications
from kennisschakel.notifications.models import Kind as NotificationKind
from kennisschakel.partnerships.models import (
    ActivitySide,
    ExchangeActivity,
    NetworkMembership,
    Partnership,
    PartnershipPartner,
)
from kennisschakel.partnerships.signals import partners_changed
from kennisschakel.register import parties
from kennisschakel.register.models import Country, ForeignPlace, Municipality, Organisation
from kennisschakel.register.services import country_lookup, resolve_place


@dataclass
class PartyRef:
    organisation: Organisation | None = None
    place: ForeignPlace | None = None
    country: Country | None = None

    @property
    def key(self) -> str:
        if self.organisation:
            return f"org:{self.organisation.pk}"
        if self.place:
            return f"place:{self.place.pk}"
        return f"country:{self.country.pk}"

    def fields(self) -> dict:
        return {"organisation": self.organisation, "place": self.place, "country": self.country}

    def __str__(self) -> str:
        return str(self.organisation or self.place or self.country)


def party_text(party) -> str:
    """The inverse of :func:`parse_party`, for forms that show an existing party.

    Takes a :class:`PartyRef` or a stored party row (select the related rows first).
    """
    if party.organisation is not None:
        municipality = getattr(party.organisation, "municipality", None)
        return municipality.cbs_code if municipality else f"org: {party.organisation.slug}"
    if party.place is not None:
        return f"place: {party.place.name}, {party.place.country.iso2}"
    return f"country: {party.country.iso2}"


def parse_party(text: str) -> PartyRef:
    """'GM0153' → Enschede; 'place: Münster, DE' → Münster; 'org: vng' → VNG;
    'country: IN' (or 'country: India') → India as a whole; any other text is a name
    ('Weert', 'Münster, Duitsland', 'VNG'), resolved whole by :func:`parties.resolve`.

    Raises ValidationError with a message that names what was not found.
    """
    value = text.strip()
    if not value:
        raise ValidationError(_("Name a party: a CBS code, a place abroad or an organisation."))
    if value.lower().startswith("country:"):
        country = country_lookup(value[8:])
        if country is None:
            raise ValidationError(
                _("No country '%(name)s' is known.") % {"name": value[8:].strip()}
            )
        return PartyRef(country=country)
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
    code = parties.CBS_CODE.match(value)
    if code is None:
        # A name: 'Weert', 'Den Haag', 'Münster, Duitsland', 'VNG' (register/parties.py).
        return _party_by_name(value)
    municipality = (
        Municipality.objects.select_related("organisation")
        .filter(cbs_code=f"GM{code.group(1)}")
        .first()
    )
    if municipality is None:
        raise ValidationError(
            _("'%(code)s' is not the CBS code of a current municipality.") % {"code": value}
        )
    return PartyRef(organisation=municipality.organisation)


def _party_by_name(value: str) -> PartyRef:
    option = parties.resolve(value, kinds=parties.PARTY_KINDS)
    if option.kind == parties.PLACE:
        return PartyRef(place=ForeignPlace.objects.select_related("country").get(pk=option.pk))
    return PartyRef(organisation=Organisation.objects.get(pk=option.pk))


def _check_partnership(values: dict, partners: list[PartyRef]) -> None:
    if len({p.key for p in partners}) < 2:
        raise ValidationError(_("A partnership needs at least two different partners."))
    start, end = values.get("start_year"), values.get("end_year")
    if start and end and end < start:
        raise ValidationError(_("The end year lies before the start year."))


def acting_organisation_id(user) -> int | None:
    """The organisation a person acts for; None for facilitators and loaders (trusted)."""
    if user is None or not getattr(user, "is_authenticated", False) or user.is_facilitator:
        return None
    return user.organisation_id


def _partner_row(partnership: Partnership, party: PartyRef, acting_id: int | None):
    # Naming another organisation as partner is a proposal it must confirm; places and
    # countries abroad have no people here to confirm, and trusted sources need no consent.
    proposed = (
        acting_id is not None
        and party.organisation is not None
        and party.organisation.pk != acting_id
    )
    status = PartnershipPartner.Status.PROPOSED if proposed else PartnershipPartner.Status.CONFIRMED
    return PartnershipPartner(partnership=partnership, status=status, **party.fields())


@transaction.atomic
def create_partnership(
    values: dict, partners: list[PartyRef], user=None, motives=(), domains=()
) -> Partnership:
    _check_partnership(values, partners)
    partnership = Partnership(**values, created_by=user)
    partnership.slug = partnership.slug or unique_slug(Partnership, partnership.name)
    partnership.full_clean(exclude=["motives", "domains"])
    partnership.save()
    acting_id = acting_organisation_id(user)
    rows = PartnershipPartner.objects.bulk_create(
        [_partner_row(partnership, p, acting_id) for p in partners]
    )
    partnership.motives.set(motives)
    partnership.domains.set(domains)
    _tell_proposed_partners(partnership, rows, user)
    return partnership


def _tell_proposed_partners(partnership: Partnership, rows, user) -> None:
    """Mail each newly proposed organisation's contributors once, after the commit.

    Only rows created in this save are passed in, so editing a partnership again does
    not repeat the question; otherwise a proposal is only visible on the partnership page.
    """
    proposed = [r.organisation for r in rows if r.status == PartnershipPartner.Status.PROPOSED]
    if not proposed:
        return
    context = {
        "partnership": partnership,
        "proposer": user.organisation if user else None,
        "person": user,
        "url": settings.KENNISSCHAKEL_SITE_URL.rstrip("/") + partnership.get_absolute_url(),
    }
    for organisation in proposed:
        to = sorted(
            User.objects.filter(
                organisation=organisation,
                is_active=True,
                role__in=[Role.CONTRIBUTOR, Role.COORDINATOR],
            ).values_list("email", flat=True)
        )
        if to:
            _send_proposal(to, {**context, "organisation": organisation})
    notifications.notify(  # in-app, for every user of each proposed organisation
        NotificationKind.PARTNERSHIP_PROPOSED,
        [organisation.pk for organisation in proposed],
        key=f"partnership:{partnership.pk}:proposed:{partnership.version}",
        subject=str(partnership),
        url=partnership.get_absolute_url(),
        actor=(user.organisation if user else "") or "",
        exclude_user=user,
    )


def _send_proposal(to: list[str], context: dict) -> None:
    """Into the outbox, inside the caller's transaction: sent only once it commits."""
    with translation.override("nl"):
        text = render_to_string("partnerships/email/partner_proposed.txt", context)
    subject, _sep, body = text.partition("\n\n")
    queue_email(subject.strip(), body.strip() + "\n", to)


@transaction.atomic
def answer_participation(partnership: Partnership, user, agree: bool) -> int:
    """The user's organisation confirms or declines being a partner; returns rows changed.

    One conditional UPDATE: two answers at once cannot both win, and a confirmed
    partner does not drop out through this door (it edits the partners instead).
    """
    from kennisschakel.partnerships.rules import own_proposed_sides

    sides = own_proposed_sides(user, partnership)
    if not sides.exists():
        raise PermissionDenied(_("Your organisation has no open proposal in this partnership."))
    status = PartnershipPartner.Status.CONFIRMED if agree else PartnershipPartner.Status.DECLINED
    changed = sides.exclude(status=status).update(status=status)
    if changed:
        from kennisschakel.partnerships.balance_cache import bump

        bump()  # QuerySet.update() sends no signal: cached counts must move on
        claim_version(partnership)  # editors with the old partner list are warned
        # A QuerySet.update() sends no model signal: tell listeners (the matcher) itself.
        partners_changed.send(sender=Partnership, partnership=partnership)
    return changed


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


def check_may_log_under(user, organisation_id: int | None, partnership) -> None:
    from kennisschakel.partnerships.rules import may_log_under

    if organisation_id is None and user is None:
        return  # the sources (loaders)
    if not may_log_under(user, organisation_id, partnership):
        raise PermissionDenied(
            _(
                "Your organisation is not a confirmed partner in %(partnership)s, so you "
                "cannot log an exchange under it."
            )
            % {"partnership": partnership}
        )


@transaction.atomic
def log_activity(
    values: dict, sides: list[SideInput], user=None, organisation: Organisation | None = None
) -> ExchangeActivity:
    """Record one activity with one side per party: seen from both sides, stored once."""
    check_may_log_under(user, organisation.pk if organisation else None, values.get("partnership"))
    validate_activity(values.get("start_date"), values.get("end_date"), sides)
    activity = ExchangeActivity(**values, logged_by=user, logged_by_organisation=organisation)
    activity.slug = activity.slug or unique_slug(ExchangeActivity, activity.title)
    if organisation is None:
        activity.confirmation = ExchangeActivity.Confirmation.CONFIRMED  # from the sources
    activity.save()
    _create_sides(activity, sides)
    _ask_to_confirm(activity, sides, user)
    return activity


def set_activity_practices(activity: ExchangeActivity, practices) -> None:
    """The practices an exchange adopted (after :func:`log_activity`, in its own step)."""
    activity.practices.set(practices)


def _ask_to_confirm(activity: ExchangeActivity, sides: list[SideInput], user) -> None:
    """Notify the other organisations of a pending exchange: they are asked to confirm."""
    if activity.confirmation != ExchangeActivity.Confirmation.PENDING:
        return
    others = [
        s.party.organisation.pk
        for s in sides
        if s.party.organisation is not None
        and s.party.organisation.pk != activity.logged_by_organisation_id
    ]
    notifications.notify(
        NotificationKind.EXCHANGE_TO_CONFIRM,
        others,
        key=f"exchange:{activity.pk}:{activity.version}",
        subject=activity.title,
        url=activity.get_absolute_url(),
        actor=activity.logged_by_organisation or "",
        exclude_user=user,
    )


def _create_sides(activity: ExchangeActivity, sides: list[SideInput]) -> None:
    from kennisschakel.partnerships.balance_cache import bump

    bump()  # bulk_create sends no signal: cached balances must move on
    day = balance_date_of(activity)
    ActivitySide.objects.bulk_create(
        [
            ActivitySide(
                activity=activity,
                direction=s.direction,
                participants=s.participants,
                hours=s.hours,
                balance_date=day,
                **s.party.fields(),
            )
            for s in sides
        ]
    )


def side_input_of(side: ActivitySide) -> SideInput:
    """A stored side as input again, e.g. to keep it when an activity is changed."""
    return SideInput(
        PartyRef(side.organisation, side.place, side.country),
        side.direction,
        side.participants,
        float(side.hours) if side.hours is not None else None,
    )


def balance_date_of(activity: ExchangeActivity) -> datetime.date | None:
    """The date an activity counts on in balances; None when it does not count."""
    if activity.confirmation == ExchangeActivity.Confirmation.DISPUTED:
        return None
    if activity.start_date:
        return activity.start_date
    if activity.year:
        return datetime.date(activity.year, 1, 1)
    return None


def sync_balance_dates(activity: ExchangeActivity) -> None:
    from kennisschakel.partnerships.balance_cache import bump

    if activity.sides.update(balance_date=balance_date_of(activity)):
        bump()  # QuerySet.update() sends no signal: cached balances must move on


@transaction.atomic
def update_activity(
    activity: ExchangeActivity,
    values: dict,
    sides: list[SideInput],
    practices=None,
    *,
    user=None,
    expected_version: int | None = None,
) -> ExchangeActivity:
    """Change what the logging side recorded; the other side is asked to confirm again.

    ``expected_version``: the version the editor loaded; when someone saved in between,
    ``core.versioning.VersionConflict`` is raised and nothing is written.
    """
    validate_activity(values.get("start_date"), values.get("end_date"), sides)
    if "partnership" in values and values["partnership"] != activity.partnership:
        check_may_log_under(user, activity.logged_by_organisation_id, values["partnership"])
    claim_version(activity, expected_version)  # first write: holds the row until commit
    for name, value in values.items():
        setattr(activity, name, value)
    activity.confirmation = ExchangeActivity.Confirmation.PENDING
    activity.confirmation_note = ""
    activity.save()
    activity.sides.all().delete()
    _create_sides(activity, sides)
    _ask_to_confirm(activity, sides, user)  # asked again: the version makes it a new event
    if practices is not None:
        activity.practices.set(practices)
    return activity


@transaction.atomic
def confirm_activity(activity: ExchangeActivity, agree: bool, note: str = "") -> ExchangeActivity:
    claim_version(activity)  # an editor who loaded the activity before is warned
    activity.confirmation = (
        ExchangeActivity.Confirmation.CONFIRMED if agree else ExchangeActivity.Confirmation.DISPUTED
    )
    activity.confirmation_note = note
    activity.save(update_fields=["confirmation", "confirmation_note", "version"])
    sync_balance_dates(activity)
    return activity


@transaction.atomic
def update_partnership(
    partnership: Partnership,
    values: dict,
    partners: list[PartyRef],
    motives=(),
    domains=(),
    *,
    user=None,
    expected_version: int | None = None,
) -> Partnership:
    """Change a partnership; partners are replaced by the given list (at least two).

    Organisations added by the editor's organisation are proposed, as on creation.
    """
    _check_partnership(values, partners)
    claim_version(partnership, expected_version)  # first write: holds the row until commit
    for name, value in values.items():
        setattr(partnership, name, value)
    partnership.full_clean(exclude=["motives", "domains"])
    partnership.save()
    existing = {p.party_key: p for p in partnership.partners.all()}
    wanted = {p.key: p for p in partners}
    # Keep partner rows that stay: their mutual-learning scores hang on them.
    partnership.partners.filter(
        pk__in=[p.pk for k, p in existing.items() if k not in wanted]
    ).delete()
    acting_id = acting_organisation_id(user)
    added = PartnershipPartner.objects.bulk_create(
        [_partner_row(partnership, p, acting_id) for k, p in wanted.items() if k not in existing]
    )
    partnership.motives.set(motives)
    partnership.domains.set(domains)
    _tell_proposed_partners(partnership, added, user)
    return partnership


def save_membership(membership: NetworkMembership, themes=None) -> NetworkMembership:
    """Store a new or changed network membership and, when given, its themes."""
    membership.save()
    if themes is not None:
        membership.themes.set(themes)
    return membership


def delete_membership(membership: NetworkMembership) -> None:
    membership.delete()
