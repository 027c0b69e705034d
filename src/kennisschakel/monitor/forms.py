import copy
import datetime

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from kennisschakel.core.formwidgets import DateInput
from kennisschakel.monitor import services
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
    """A new wave. The web address comes from the title and the size classes from the
    instrument (services.create_wave); the dates decide when it opens and closes."""

    #: A new wave opens today and stays open this long unless the facilitator says otherwise.
    DEFAULT_WEEKS_OPEN = 6

    class Meta:
        model = Wave
        fields = [
            "instrument",
            "title",
            "period",
            "reference_date",
            "opens_on",
            "closes_on",
            "min_cell",
            "helpdesk",
        ]
        widgets = {
            "reference_date": DateInput(),
            "opens_on": DateInput(),
            "closes_on": DateInput(),
        }
        help_texts = {
            "opens_on": _("From this day on the access codes open the questionnaire."),
            "closes_on": _("The last day answers can be given; after it the results open."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "instrument" in self.fields:  # not on the edit form (WaveEditForm)
            self._describe_instruments(self.fields["instrument"])
        self.fields["min_cell"].widget.attrs.update({"min": 1, "max": 50})
        if not self.instance.pk:
            # A new wave usually counts the municipalities of today and opens today.
            today = Wave.today()
            self.fields["reference_date"].initial = today
            self.fields["opens_on"].initial = today
            self.fields["closes_on"].initial = today + datetime.timedelta(
                weeks=self.DEFAULT_WEEKS_OPEN
            )

    @staticmethod
    def _describe_instruments(instruments) -> None:
        instruments.queryset = Instrument.objects.order_by("title_nl")
        instruments.label = _("Instrument")  # "Vragenlijst": the word the form's users know
        instruments.empty_label = _("Choose a questionnaire")
        schemes = {s.slug: s.name for s in SizeScheme.objects.all()}
        instruments.help_text = _("The size classes come with the questionnaire: %(list)s.") % {
            "list": "; ".join(
                f"{instrument.title}: {schemes.get(instrument.definition.get('size_scheme'), '–')}"
                for instrument in instruments.queryset
            )
        }

    def clean_opens_on(self):
        opens = self.cleaned_data["opens_on"]
        if opens < Wave.today():
            raise forms.ValidationError(
                _("The opening date has passed. Choose today or a later day.")
            )
        return opens

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error(
                "closes_on",
                _("The closing date lies before the opening date. Choose %(day)s or later.")
                % {"day": date_format(opens, "j F Y")},
            )
        instrument = cleaned.get("instrument")
        if instrument is not None:
            try:
                services.instrument_scheme(instrument)
            except forms.ValidationError as error:
                self.add_error(None, error)
        return cleaned


class WaveEditForm(WaveForm):
    """A wave after it was created. The questionnaire, the population (reference date)
    and the size classes stay: the invitations were made from them. The checks of the
    new-wave form apply to what changes; the status keeps following the dates (and the
    facilitator's override, if any)."""

    class Meta(WaveForm.Meta):
        fields = ["title", "period", "opens_on", "closes_on", "min_cell", "helpdesk"]

    def __init__(self, *args, started: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.started = started  # some municipality has begun answering

    def clean_opens_on(self):
        opens = self.cleaned_data["opens_on"]
        if opens == self.instance.opens_on:
            return opens  # an opening date that has passed is history, not a mistake
        opens = super().clean_opens_on()
        if self.started and opens > Wave.today():
            # It would put a wave with answers back into preparation: codes stop working.
            raise forms.ValidationError(
                _(
                    "Municipalities have started answering already: the opening date can "
                    "no longer move past today."
                )
            )
        return opens

    def clean_closes_on(self):
        closes = self.cleaned_data["closes_on"]
        if closes != self.instance.closes_on and closes < Wave.today():
            raise forms.ValidationError(
                _(
                    "The closing date has passed. Choose today or a later day; to close "
                    "the wave now, use “Close now” on the wave's page."
                )
            )
        return closes

    def clean_min_cell(self):
        smallest = self.cleaned_data["min_cell"]
        if not 1 <= smallest <= 50:
            raise forms.ValidationError(_("Choose a number from 1 to 50."))
        return smallest

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_on"), cleaned.get("closes_on")
        if self.instance.is_practice and opens and closes:
            # New dates must not open a wave of made-up answers (as set_override refuses).
            probe = copy.copy(self.instance)
            probe.opens_on, probe.closes_on = opens, closes
            if probe.effective_status() != Wave.Status.CLOSED:
                self.add_error(
                    "closes_on",
                    _("A practice wave holds fictitious answers: it cannot be opened."),
                )
        return cleaned


class StatusForm(forms.Form):
    """The facilitator's override: open now (until a closing date), close now, or back
    to the dates (services.set_status). One button per action."""

    ACTIONS = {"open": Wave.Status.OPEN, "close": Wave.Status.CLOSED, "dates": ""}

    action = forms.ChoiceField(
        choices=[
            ("open", _("Open now")),
            ("close", _("Close now")),
            ("dates", _("Back to the dates")),
        ]
    )
    closes_on = forms.DateField(
        label=_("Open through"),
        required=False,
        widget=DateInput(),
        help_text=_("The last day answers can be given."),
    )

    def override(self) -> str:
        return self.ACTIONS[self.cleaned_data["action"]]
