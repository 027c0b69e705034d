from django import forms
from django.utils.translation import gettext_lazy as _

from kennisschakel.core.formwidgets import DateInput
from kennisschakel.monitor.models import Instrument, Wave
from kennisschakel.register.models import SizeScheme


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Access code"),
        max_length=64,
        help_text=_("The code from the letter or email, for example ABCDE-FGHIJ-…"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class ForwardForm(forms.Form):
    email = forms.EmailField(label=_("Your colleague's email address"))
    note = forms.CharField(
        label=_("Message (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SubmitForm(forms.Form):
    receipt_email = forms.EmailField(
        label=_("Send a receipt to (optional)"),
        required=False,
        help_text=_("We use this address only for the receipt."),
    )


class WaveForm(forms.ModelForm):
    class Meta:
        model = Wave
        fields = [
            "instrument",
            "title",
            "slug",
            "period",
            "reference_date",
            "size_scheme",
            "opens_on",
            "closes_on",
            "min_cell",
        ]
        widgets = {
            "reference_date": DateInput(),
            "opens_on": DateInput(),
            "closes_on": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].queryset = Instrument.objects.order_by("title_nl")
        self.fields["size_scheme"].queryset = SizeScheme.objects.order_by("position")
        self.fields["slug"].help_text = _("Part of the web address, e.g. gib-2026.")
        self.fields["min_cell"].widget.attrs.update({"min": 1, "max": 50})
        if not self.instance.pk:
            # A new wave usually counts the municipalities of today and opens today.
            import datetime

            today = datetime.date.today()
            self.fields["reference_date"].initial = today
            self.fields["opens_on"].initial = today

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("The closing date lies before the opening date."))
        instrument, scheme = cleaned.get("instrument"), cleaned.get("size_scheme")
        if instrument and scheme and instrument.definition.get("size_scheme") != scheme.slug:
            self.add_error(
                "size_scheme",
                _("%(instrument)s uses the size classes of '%(scheme)s'.")
                % {"instrument": instrument, "scheme": instrument.definition.get("size_scheme")},
            )
        return cleaned


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Wave.Status.choices)
