"""The exchange form: log or change one activity, and the other side's confirmation."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kennisschakel.core.formwidgets import DateInput
from kennisschakel.core.versioning import VersionedFormMixin
from kennisschakel.partnerships.models import (
    ActivitySide,
    Dissemination,
    ExchangeActivity,
    ExchangeForm,
    OutcomeLevel,
    Partnership,
    PartnershipPartner,
)
from kennisschakel.partnerships.services import SideInput, parse_party, validate_activity
from kennisschakel.register.widgets import PartyCombobox

DIRECTIONS = ActivitySide.Direction.choices


# The activity's own columns, as the edit page reads and writes them (views/editing.py).
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
