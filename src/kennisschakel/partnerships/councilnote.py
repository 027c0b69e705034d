"""The council note (*raadsinformatiebrief*): what a partnership costs and yields, for the council.

Input is what the ledger holds: hours of the municipality's own side (times
an hourly rate the user sets), the activities' costs and subsidies, the
trips and exchanges in the period, what was learned, and practices adopted;
plus the expected return per motive, which the user writes for this note.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.translation import gettext

from kennisschakel.partnerships.balances import activity_start
from kennisschakel.partnerships.models import ExchangeActivity, Partnership

TRIP_FORMS = {"werkbezoek", "delegatiebezoek", "detachering", "visitatie"}


def euro(amount) -> str:
    """Dutch money format: € 1.234,50."""
    text = f"{Decimal(amount):,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return f"€ {text}"


@dataclass
class CouncilNote:
    partnership: Partnership | None
    organisation: object
    start: datetime.date | None
    end: datetime.date | None
    hourly_rate: Decimal
    activity: ExchangeActivity | None = None  # set for a note about one (proposed) activity
    activities: list = field(default_factory=list)
    own_hours: Decimal = Decimal(0)
    costs: Decimal = Decimal(0)
    subsidies: Decimal = Decimal(0)
    trips: int = 0
    outcomes: list = field(default_factory=list)
    practices: list = field(default_factory=list)
    expected_returns: list = field(default_factory=list)
    undated: int = 0
    undated_from_sources: int = 0  # of which imported from the reports (no year given)
    # Whether any exchange in the note records the figure at all: a note whose exchanges
    # record no amount says so instead of showing € 0,00 (issue 13, finding 6).
    hours_known: bool = False
    costs_known: bool = False
    subsidies_known: bool = False
    from_sources: bool = True  # every exchange in it was imported from the reports
    pending: list = field(default_factory=list)  # not yet confirmed by the other side

    @property
    def subject(self):
        return self.activity or self.partnership

    @property
    def proposed(self) -> bool:
        """A note about one activity that has not started yet: a proposal to the council."""
        return self.activity is not None and (
            self.start is None or self.start > datetime.date.today()
        )

    @property
    def hour_costs(self) -> Decimal:
        return (self.own_hours * self.hourly_rate).quantize(Decimal("0.01"))

    @property
    def total_input(self) -> Decimal:
        return self.hour_costs + self.costs

    @property
    def net_costs(self) -> Decimal:
        return self.total_input - self.subsidies

    @property
    def unknown_amount(self) -> str:
        """What a line says when no exchange in the note records its amount."""
        if self.activities and self.from_sources:
            return gettext("The source gives no amount")
        return gettext("No amount recorded")

    @property
    def partly_known(self) -> bool:
        """Totals add up only the figures that are known."""
        return (self.hours_known or self.costs_known) and not (
            self.hours_known and self.costs_known and self.subsidies_known
        )

    def money(self) -> dict[str, str]:
        """Each line as the note prints it: an amount, or why there is none."""
        unknown = self.unknown_amount
        any_known = self.hours_known or self.costs_known
        cannot = gettext("cannot be calculated: no hours or amounts known")
        return {
            "hour_costs": euro(self.hour_costs) if self.hours_known else gettext("no hours known"),
            "costs": euro(self.costs) if self.costs_known else unknown,
            "subsidies": euro(self.subsidies) if self.subsidies_known else unknown,
            "total_input": euro(self.total_input) if any_known else cannot,
            "net_costs": euro(self.net_costs) if any_known else cannot,
            "rate": euro(self.hourly_rate),
        }


def build_note(
    partnership: Partnership,
    organisation,
    start: datetime.date,
    end: datetime.date,
    hourly_rate: Decimal,
    expected_returns: dict[str, str],
) -> CouncilNote:
    note = CouncilNote(partnership, organisation, start, end, hourly_rate)
    activities = (
        ExchangeActivity.objects.filter(partnership=partnership)
        .prefetch_related("sides", "practices")
        .order_by("start_date", "year", "pk")
    )
    for activity in activities:
        day = activity_start(activity)
        if day is None:
            note.undated += 1
            note.undated_from_sources += _imported(activity)
            continue
        if start <= day <= end:
            _count_activity(note, activity)
    note.expected_returns = [
        (motive, expected_returns.get(motive.slug, "")) for motive in partnership.motives.all()
    ]
    return note


def _imported(activity: ExchangeActivity) -> bool:
    """Imported from the reports: nobody logged it (partnerships/loaders.py)."""
    return activity.logged_by_id is None and activity.logged_by_organisation_id is None


def _count_activity(note: CouncilNote, activity: ExchangeActivity) -> None:
    note.activities.append(activity)
    own = [s for s in activity.sides.all() if s.organisation_id == note.organisation.pk]
    note.own_hours += sum((s.hours or Decimal(0) for s in own), Decimal(0))
    note.hours_known |= any(s.hours is not None for s in own)
    note.costs += activity.costs or Decimal(0)
    note.costs_known |= activity.costs is not None
    note.subsidies += activity.subsidy or Decimal(0)
    note.subsidies_known |= activity.subsidy is not None
    note.from_sources &= _imported(activity)
    if activity.confirmation == ExchangeActivity.Confirmation.PENDING:
        note.pending.append(activity)
    if activity.form in TRIP_FORMS:
        note.trips += 1
    if activity.outcomes:
        note.outcomes.append((activity, activity.outcomes))
    note.practices.extend(activity.practices.all())


def note_motives(activity: ExchangeActivity) -> list:
    """The motives a note about one activity weighs: its partnership's, or all seven."""
    from kennisschakel.partnerships.models import Motive

    if activity.partnership_id and activity.partnership.motives.exists():
        return list(activity.partnership.motives.all())
    return list(Motive.objects.all())


def build_activity_note(
    activity: ExchangeActivity,
    organisation,
    hourly_rate: Decimal,
    expected_returns: dict[str, str],
) -> CouncilNote:
    """A note about one activity — before it happens, a proposal with its expected returns."""
    start = activity_start(activity)
    note = CouncilNote(
        activity.partnership, organisation, start, activity.end_date or start, hourly_rate,
        activity=activity,
    )  # fmt: skip
    _count_activity(note, activity)
    note.expected_returns = [
        (motive, expected_returns.get(motive.slug, "")) for motive in note_motives(activity)
    ]
    return note


def render_note_html(note: CouncilNote) -> str:
    return render_to_string("partnerships/council_note_document.html", {"note": note})
