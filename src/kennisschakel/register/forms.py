from django import forms
from django.utils.translation import gettext_lazy as _

from kennisschakel.register import models as m


class OrganisationProfileForm(forms.ModelForm):
    """What an organisation may say about itself; register facts stay with CBS and facilitators."""

    domains = forms.ModelMultipleChoiceField(
        label=_("Policy domains"),
        queryset=m.PolicyDomain.objects.select_related("parent").order_by(
            "parent__position", "position"
        ),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The domains your organisation works on or knows about."),
    )

    website = forms.URLField(
        label=_("website"),
        required=False,
        assume_scheme="https",
        help_text=_("The full address, starting with https://"),
    )

    class Meta:
        model = m.Organisation
        fields = ["short_name", "website", "level", "description_nl", "description_en", "domains"]
        widgets = {
            "description_nl": forms.Textarea(attrs={"rows": 5}),
            "description_en": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domains"].label_from_instance = lambda d: (
            f"{d.parent.name} › {d.name}" if d.parent else d.name
        )

    def clean_description_nl(self):
        text = self.cleaned_data["description_nl"].strip()
        if len(text) > 2000:
            raise forms.ValidationError(
                _("Keep the description under 2,000 characters (now %(count)s).")
                % {"count": len(text)}
            )
        return text


class PlaceSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Place name"),
        min_length=2,
        max_length=100,
        help_text=_("Any spelling: Neurenberg, Nuremberg and Nürnberg find the same city."),
        error_messages={"min_length": _("Type at least two letters.")},
    )
    country = forms.ModelChoiceField(
        label=_("Country"),
        queryset=m.Country.objects.order_by("name_nl"),
        to_field_name="iso2",
        required=False,
        empty_label=_("All countries"),
    )


class ContactPersonForm(forms.ModelForm):
    class Meta:
        model = m.ContactPerson
        fields = ["name", "role", "email", "languages", "expertise"]
        widgets = {"expertise": forms.Textarea(attrs={"rows": 3})}

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if not email:
            raise forms.ValidationError(_("An email address is needed to ask for consent."))
        return email
