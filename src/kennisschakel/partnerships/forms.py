import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kennisschakel.core.formwidgets import DateInput
from kennisschakel.core.versioning import VersionedFormMixin
from kennisschakel.matching.forms import grouped_domain_field
from kennisschakel.partnerships.models import (
    ActivitySide,
    Dissemination,
    ExchangeActivity,
    ExchangeForm,
    NetworkMembership,
    OutcomeLevel,
    Partnership,
    PartnershipPartner,
)
from kennisschakel.partnerships.services import SideInput, parse_party, validate_activity
from kennisschakel.register.widgets import PartyCombobox, PartyListCombobox

# Organisation types that members can join (register.Organisation.type).
NETWORK_TYPES = ["network", "knowledge_platform", "association"]

DIRECTIONS = ActivitySide.Direction.choices


# The activity's own columns, as the edit page reads and writes them (editing.py).
ACTIVITY_FIELDS = [
    "partnership",
    "form",
    "title",
    "start_date",
    "end_date",
    "costs",
    "subsidy",
    "subsidy_programme",
    "learning_goals",
    "outcomes",
    "outcome_level",
    "outcome_side",
    "embedded",
    "disseminated",
]
# What a version conflict compares: the columns plus the adopted practices.
ACTIVITY_VERSIONED_FIELDS = [*ACTIVITY_FIELDS, "practices"]


class ActivityForm(VersionedFormMixin, forms.Form):
    """Log one exchange activity between your organisation and one other party.

    When changing one, pass ``instance``: a hidden version token then makes sure a
    second editor's save cannot silently overwrite the first one's.
    """

    versioned_fields = ACTIVITY_VERSIONED_FIELDS

    partnership = forms.ModelChoiceField(
        label=_("Partnership"),
        queryset=Partnership.objects.none(),
        required=False,
        empty_label=_("(none: a standalone exchange)"),
    )
    form = forms.ChoiceField(label=_("Form of exchange"), choices=ExchangeForm.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    end_date = forms.DateField(label=_("End date"), required=False, widget=DateInput())
    other_party = forms.CharField(
        label=_("With"),
        max_length=120,
        widget=PartyCombobox(),
        help_text=_(
            "A municipality, place abroad or organisation: type its name (Weert, Münster, "
            "VNG) and choose it from the list."
        ),
    )
    own_direction = forms.ChoiceField(label=_("Your side"), choices=DIRECTIONS)
    own_participants = forms.IntegerField(
        label=_("Participants from your side"), required=False, min_value=0
    )
    own_hours = forms.DecimalField(
        label=_("Hours from your side"), required=False, decimal_places=1, min_value=0
    )
    other_direction = forms.ChoiceField(label=_("Their side"), choices=DIRECTIONS)
    other_participants = forms.IntegerField(
        label=_("Participants from their side"), required=False, min_value=0
    )
    other_hours = forms.DecimalField(
        label=_("Hours from their side"), required=False, decimal_places=1, min_value=0
    )
    costs = forms.DecimalField(
        label=_("Costs (euro)"), required=False, min_value=0, decimal_places=2
    )
    subsidy = forms.DecimalField(
        label=_("Subsidy (euro)"), required=False, min_value=0, decimal_places=2
    )
    subsidy_programme = forms.CharField(
        label=_("Subsidy programme"), required=False, max_length=120
    )
    learning_goals = forms.CharField(
        label=_("Learning goals (set beforehand)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "What do you want to learn? Partnerships rarely set learning goals (001), "
            "and then learning stays personal."
        ),
    )
    outcomes = forms.CharField(
        label=_("What was learned"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    outcome_level = forms.ChoiceField(
        label=_("Level of the outcome"),
        required=False,
        choices=[("", "—"), *OutcomeLevel.choices],
    )
    outcome_side = forms.ChoiceField(
        label=_("Side that learned"),
        required=False,
        choices=[
            ("", "—"),
            ("eigen", _("our side")),
            ("partner", _("the partner")),
            ("beide", _("both")),
        ],
    )
    embedded = forms.NullBooleanField(
        label=_("Embedded in the organisation"),
        required=False,
        widget=forms.Select(choices=[("unknown", "—"), ("true", _("yes")), ("false", _("no"))]),
    )
    disseminated = forms.ChoiceField(
        label=_("Disseminated"), required=False, choices=[("", "—"), *Dissemination.choices]
    )
    practices = forms.ModelMultipleChoiceField(
        label=_("Practices adopted through this exchange"),
        required=False,
        queryset=None,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-scroll"}),
    )

    def __init__(self, *args, organisation=None, instance=None, **kwargs):
        # VersionedFormMixin reads self.instance while it initialises.
        self.instance = instance if instance is not None else ExchangeActivity()
        super().__init__(*args, **kwargs)
        if instance is None:
            # A new exchange is usually logged on the day it happens or just after.
            self.fields["start_date"].initial = datetime.date.today()
        from kennisschakel.knowledge.models import Practice

        self.fields["practices"].queryset = Practice.objects.published().order_by("title")
        self.organisation = organisation
        if organisation is not None:
            # Only partnerships the organisation has confirmed it is part of (rules.may_log_under).
            self.fields["partnership"].queryset = Partnership.objects.filter(
                partners__organisation=organisation,
                partners__status=PartnershipPartner.Status.CONFIRMED,
            ).distinct()

    def clean_other_party(self):
        try:
            return parse_party(self.cleaned_data["other_party"])
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from error

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        from kennisschakel.partnerships.services import PartyRef

        own = PartyRef(organisation=self.organisation)
        sides = [
            SideInput(
                own,
                cleaned["own_direction"],
                cleaned.get("own_participants"),
                float(cleaned["own_hours"]) if cleaned.get("own_hours") is not None else None,
            ),
            SideInput(
                cleaned["other_party"],
                cleaned["other_direction"],
                cleaned.get("other_participants"),
                float(cleaned["other_hours"]) if cleaned.get("other_hours") is not None else None,
            ),
        ]
        try:
            validate_activity(cleaned.get("start_date"), cleaned.get("end_date"), sides)
        except ValidationError as error:
            form_fields = {
                "end_date": "end_date",
                "parties": "other_party",
                "hours": "own_hours",
                "participants": "own_participants",
            }
            for key, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(form_fields.get(key), message)
        cleaned["sides"] = sides
        return cleaned


def party_name(organisation) -> str:
    """How the exchange form shows a party: by its name (Enschede, VNG), as a person
    would type it, when that name resolves back to this one organisation; otherwise by
    the unambiguous form parse_party reads (GM0153, 'org: vng')."""
    from kennisschakel.partnerships.services import PartyRef, party_text
    from kennisschakel.register import parties

    municipality = getattr(organisation, "municipality", None)
    name = municipality.name if municipality is not None else organisation.name
    try:
        option = parties.resolve(name)
    except ValidationError:
        option = None
    if option is not None and option.kind != parties.PLACE and option.pk == organisation.pk:
        return option.label
    return party_text(PartyRef(organisation=organisation))


def introduction_initial(introduction, organisation) -> dict:
    """What an accepted introduction already tells the exchange form: the other party,
    the topic as title, today as date; the asking side receives knowledge and the asked
    side gives it, and the question's text is what the asker wants to learn.

    Empty unless the introduction is accepted and ``organisation`` is one of its sides
    (another organisation learns nothing about it from the form)."""
    from kennisschakel.matching.models import Introduction

    if introduction is None or introduction.status != Introduction.Status.ACCEPTED:
        return {}
    if organisation is None or organisation.pk not in (
        introduction.asker_id,
        introduction.recipient_id,
    ):
        return {}
    asking = organisation.pk == introduction.asker_id
    other = introduction.recipient if asking else introduction.asker
    Direction = ActivitySide.Direction
    initial = {
        "title": introduction.subject[:200],
        "start_date": datetime.date.today(),
        "other_party": party_name(other),
        "own_direction": Direction.RECEIVED if asking else Direction.GAVE,
        "other_direction": Direction.GAVE if asking else Direction.RECEIVED,
    }
    question = introduction.question
    if question is not None:
        if asking and question.text:
            initial["learning_goals"] = question.text
        if len(question.forms or []) == 1:
            initial["form"] = question.forms[0]
    return initial


class ConfirmForm(forms.Form):
    agree = forms.TypedChoiceField(
        label=_("Is this right?"),
        choices=[("yes", _("Yes, this is right")), ("no", _("No, we dispute this"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def default_note_period(partnership, today=None) -> tuple[datetime.date, datetime.date]:
    """The period a council note starts with: the last full calendar year, because a
    council looks back per year (annual accounts and report); when the partnership has
    no dated exchange in that year, its whole dated period instead, so the note opens on
    the exchanges there are rather than on an empty year of zeros; with no dated
    exchange at all, the years the partnership ran (when it ended before last year)."""
    from django.db.models import Max, Min, Q

    today = today or datetime.date.today()
    last_year = today.year - 1
    start, end = datetime.date(last_year, 1, 1), datetime.date(last_year, 12, 31)
    # An exchange is dated by its start date or, when only that is known, its year
    # (the balances count it on 1 January of that year).
    activities = partnership.activities
    in_last_year = Q(start_date__range=(start, end)) | Q(start_date__isnull=True, year=last_year)
    if activities.filter(in_last_year).exists():
        return start, end
    span = activities.aggregate(
        first=Min("start_date"),
        last=Max("start_date"),
        ends=Max("end_date"),
        first_year=Min("year", filter=Q(start_date__isnull=True)),
        last_year=Max("year", filter=Q(start_date__isnull=True)),
    )
    firsts = [y for y in (span["first"] and span["first"].year, span["first_year"]) if y]
    lasts = [
        y
        for y in (
            span["last"] and span["last"].year,
            span["ends"] and span["ends"].year,
            span["last_year"],
        )
        if y
    ]
    if not firsts:
        # No exchange with a date or year: the years the partnership itself ran, when
        # known, rather than an empty last year.
        if partnership.start_year and (partnership.end_year or 0) < last_year:
            until = partnership.end_year or partnership.start_year
            return datetime.date(partnership.start_year, 1, 1), datetime.date(until, 12, 31)
        return start, end
    return datetime.date(min(firsts), 1, 1), datetime.date(max(lasts), 12, 31)


class CouncilNoteForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("On behalf of"), queryset=None, empty_label=None)
    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("Until"), widget=DateInput())
    hourly_rate = forms.DecimalField(
        label=_("Hourly rate (euro)"),
        min_value=0,
        max_value=1000,
        decimal_places=2,
        initial=75,
        help_text=_("The cost of one hour of your staff, to value the hours spent."),
    )

    def __init__(self, *args, partnership=None, activity=None, **kwargs):
        super().__init__(*args, **kwargs)
        from kennisschakel.register.models import Organisation

        parties = (activity.sides if activity is not None else partnership.partners).values(
            "organisation_id"
        )
        self.fields["organisation"].queryset = Organisation.objects.filter(
            type="municipality", pk__in=parties
        )
        if activity is not None:
            from kennisschakel.partnerships.councilnote import note_motives

            # One activity: its own dates are the period.
            del self.fields["start"], self.fields["end"]
            self.motives = note_motives(activity)
        else:
            self.motives = list(partnership.motives.all())
            if not self.is_bound and "start" not in self.initial:
                self.initial["start"], self.initial["end"] = default_note_period(partnership)
        for motive in self.motives:
            self.fields[f"return_{motive.slug}"] = forms.CharField(
                label=_("Expected return: %(motive)s") % {"motive": motive},
                required=False,
                max_length=500,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end date lies before the start date."))
        return cleaned

    def expected_returns(self) -> dict[str, str]:
        return {m.slug: self.cleaned_data.get(f"return_{m.slug}", "") for m in self.motives}


class LearningAssessmentForm(forms.Form):
    """Scores 1–5 with a short justification for each dimension, for one side and year."""

    partner = forms.ModelChoiceField(label=_("Side"), queryset=None, empty_label=None)
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)

    def __init__(self, *args, partnership=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from kennisschakel.partnerships.models import LearningDimension
        from kennisschakel.partnerships.rules import may_score_side

        # A self-assessment: only the sides this user may score (rules.may_score_side).
        scorable = [p.pk for p in partnership.partners.all() if may_score_side(user, p)]
        self.fields["partner"].queryset = partnership.partners.filter(pk__in=scorable)
        self.fields["partner"].label_from_instance = lambda p: p.label
        self.dimensions = list(LearningDimension)
        for dimension in self.dimensions:
            self.fields[f"score_{dimension.value}"] = forms.TypedChoiceField(
                label=dimension.label,
                choices=[(str(n), str(n)) for n in range(1, 6)],
                coerce=int,
                widget=forms.RadioSelect,
            )
            self.fields[f"why_{dimension.value}"] = forms.CharField(
                label=_("Why (%(dimension)s)") % {"dimension": dimension.label},
                required=False,
                max_length=500,
            )

    def scores(self) -> dict[str, tuple[int, str]]:
        return {
            d.value: (self.cleaned_data[f"score_{d.value}"], self.cleaned_data[f"why_{d.value}"])
            for d in self.dimensions
        }


FUNDING_PROGRAMMES = [
    # Programmes named in the sources (``004`` hfst. 6 and 8; ``001``); others can be typed.
    "MATRA",
    "LOGO East",
    "LOGO South",
    "Interreg",
    "Europe for Citizens",
]


def _split_lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace(";", "\n").splitlines() if line.strip()]


class PartnershipForm(VersionedFormMixin, forms.ModelForm):
    """Create or edit a partnership; partners are typed one per line, like 'GM0153'."""

    partners_text = forms.CharField(
        label=_("Partners"),
        widget=PartyListCombobox(attrs={"rows": 4}),
        help_text=_(
            "One per line: a municipality, place abroad or organisation by name (Weert, "
            "Münster, Duitsland, VNG) or a CBS code (GM0153); a country as 'country: IN'. "
            "Your own organisation is one of them."
        ),
    )
    policy_fields = forms.MultipleChoiceField(
        label=_("Policy fields"),
        required=False,
        choices=Partnership.PolicyField.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    funding_programmes = forms.MultipleChoiceField(
        label=_("Funding programmes"),
        required=False,
        choices=[(name, name) for name in FUNDING_PROGRAMMES],
        widget=forms.CheckboxSelectMultiple,
    )
    other_funding = forms.CharField(
        label=_("Other funding programmes"),
        required=False,
        max_length=300,
        help_text=_("Separate several with a semicolon."),
    )

    class Meta:
        model = Partnership
        fields = [
            "name",
            "kind",
            "status",
            "start_year",
            "end_year",
            "end_reason",
            "started_by",
            "translocal_link",
            "network_model",
            "motives",
            "domains",
            "local_organisations",
            "council_ambassador",
            "wgr_form",
            "collaboration_level",
            "phase",
            "notes",
        ]
        widgets = {
            "motives": forms.CheckboxSelectMultiple,
            "end_reason": forms.Textarea(attrs={"rows": 2}),
            "local_organisations": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    versioned_fields = [*Meta.fields, "policy_fields", "funding"]

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        for name in ("start_year", "end_year"):
            self.fields[name].widget.attrs.update({"min": 1900, "max": 2100})
        from kennisschakel.register.models import PolicyDomain

        self.fields["domains"].queryset = PolicyDomain.objects.order_by("name_nl")
        grouped_domain_field(self.fields["domains"])
        if self.instance.pk:
            from kennisschakel.partnerships.services import party_text

            partners = self.instance.partners.select_related(
                "organisation__municipality", "place__country", "country"
            )
            self.initial["partners_text"] = "\n".join(party_text(p) for p in partners)
            self.initial["policy_fields"] = self.instance.policy_fields
            known = [f for f in self.instance.funding if f in FUNDING_PROGRAMMES]
            self.initial["funding_programmes"] = known
            self.initial["other_funding"] = "; ".join(
                f for f in self.instance.funding if f not in FUNDING_PROGRAMMES
            )
        elif organisation is not None:
            from kennisschakel.partnerships.services import PartyRef, party_text

            self.initial.setdefault(
                "partners_text", party_text(PartyRef(organisation=organisation))
            )

    def clean_partners_text(self):
        partners, problems = [], []
        for line in _split_lines(self.cleaned_data["partners_text"]):
            try:
                partners.append(parse_party(line))
            except ValidationError as error:
                problems.extend(error.messages)
        if problems:
            raise forms.ValidationError(problems)
        if len({p.key for p in partners}) < 2:
            raise forms.ValidationError(_("A partnership needs at least two different partners."))
        if self.organisation is not None and all(
            p.organisation != self.organisation for p in partners
        ):
            raise forms.ValidationError(
                _("Your own organisation (%(name)s) must be one of the partners.")
                % {"name": self.organisation}
            )
        return partners

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_year"), cleaned.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", _("The end year lies before the start year."))
        if cleaned.get("status") == Partnership.Status.ENDED and not cleaned.get("end_reason"):
            self.add_error("end_reason", _("Say why the partnership ended: others learn from it."))
        return cleaned

    def values(self) -> dict:
        data = self.cleaned_data
        values = {
            name: data[name] for name in self.Meta.fields if name not in ("motives", "domains")
        }
        values["policy_fields"] = list(data.get("policy_fields") or [])
        values["funding"] = list(data.get("funding_programmes") or []) + _split_lines(
            data.get("other_funding") or ""
        )
        return values


class MembershipForm(forms.ModelForm):
    """Your organisation's membership of a network or platform."""

    class Meta:
        model = NetworkMembership
        fields = ["network", "role", "since", "until", "themes", "source"]

    def __init__(self, *args, member=None, **kwargs):
        super().__init__(*args, **kwargs)
        from kennisschakel.register.models import Organisation, PolicyDomain

        self.member = member or getattr(self.instance, "member", None)
        self.fields["network"].queryset = Organisation.objects.filter(
            type__in=NETWORK_TYPES
        ).order_by("name")
        self.fields["themes"].queryset = PolicyDomain.objects.order_by("name_nl")
        grouped_domain_field(self.fields["themes"])
        self.fields["source"].label = _("Source or link (optional)")
        for name in ("since", "until"):
            self.fields[name].widget.attrs.update({"min": 1900, "max": 2100})
        if self.instance.pk:
            self.fields["network"].disabled = True

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end year lies before the start year."))
        network = cleaned.get("network")
        already = (
            network is not None
            and self.member is not None
            and not self.instance.pk
            and NetworkMembership.objects.filter(member=self.member, network=network).exists()
        )
        if already:
            self.add_error(
                "network",
                _("%(member)s is already a member of %(network)s.")
                % {"member": self.member, "network": network},
            )
        return cleaned

    def save(self, commit=True):
        self.instance.member = self.member
        return super().save(commit)
