"""Create or edit a partnership: its partners, motives, domains and funding."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kennisschakel.core.versioning import VersionedFormMixin
from kennisschakel.partnerships.models import Partnership
from kennisschakel.partnerships.services import parse_party
from kennisschakel.register.widgets import PartyListCombobox, grouped_domain_field

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
