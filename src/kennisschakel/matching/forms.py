from django import forms
from django.utils.translation import gettext_lazy as _

from kennisschakel.knowledge.models import TransferCategory
from kennisschakel.matching.models import Offer, Question
from kennisschakel.matching.services import MAX_QUESTION_LENGTH, validate_question_text
from kennisschakel.partnerships.models import ExchangeForm
from kennisschakel.register.models import Country, PolicyDomain, WorldRegion
from kennisschakel.register.widgets import CountriesField


class _KnowledgeItemForm(forms.ModelForm):
    # Countries typed by name with an autocomplete, not a multi-select of every country.
    countries = CountriesField(
        label=_("Countries of interest"),
        required=False,
        help_text=_("Type a country's name and choose; separate countries with commas."),
    )
    transfer = forms.MultipleChoiceField(
        label=_("Kind of knowledge"),
        required=False,
        choices=TransferCategory.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    preferred_forms = forms.MultipleChoiceField(
        label=_("Preferred forms of exchange"),
        required=False,
        choices=ExchangeForm.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domains"].queryset = PolicyDomain.objects.order_by("name_nl")
        self.fields["regions"].queryset = WorldRegion.objects.all()
        self.fields["text"].widget = forms.Textarea(
            attrs={"rows": 5, "maxlength": MAX_QUESTION_LENGTH}
        )
        if self.instance.pk:
            self.initial["transfer"] = self.instance.transfer
            self.initial["preferred_forms"] = self.instance.forms

    def clean_text(self):
        from django.core.exceptions import ValidationError

        try:
            return validate_question_text(self.cleaned_data["text"])
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from error

    def save_values(self, instance):
        instance.transfer = list(self.cleaned_data.get("transfer") or [])
        instance.forms = list(self.cleaned_data.get("preferred_forms") or [])
        return instance


class QuestionForm(_KnowledgeItemForm):
    class Meta:
        model = Question
        fields = ["title", "text", "international", "outside_circle", "domains", "countries",
                  "regions", "deadline", "status", "answer"]  # fmt: skip
        widgets = {
            "deadline": forms.DateInput(attrs={"type": "date"}),
            "domains": forms.SelectMultiple(attrs={"size": 6}),
            "regions": forms.CheckboxSelectMultiple,
            "answer": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = _("What are you looking for?")
        self.fields["text"].help_text = _(
            "In your own words: the problem, what you have tried, what kind of help you want."
        )
        if not self.instance.pk:
            del self.fields["status"], self.fields["answer"]

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("status") in (Question.Status.ANSWERED, Question.Status.CLOSED)
            and not (cleaned.get("answer") or "").strip()
        ):
            self.add_error(
                "answer", _("Write down the answer: others with the same question learn from it.")
            )
        return cleaned


class OfferForm(_KnowledgeItemForm):
    class Meta:
        model = Offer
        fields = ["title", "text", "international", "domains", "countries", "regions", "active"]
        widgets = {
            "domains": forms.SelectMultiple(attrs={"size": 6}),
            "regions": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = _("What can you offer?")


class TryForm(forms.Form):
    """A question without saving it: see at once who could help."""

    # Not required and no max_length here: clean_text gives one clear message for an empty
    # and for a far too long question, the same as the API and the CLI.
    text = forms.CharField(
        label=_("What are you looking for?"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    international = forms.BooleanField(label=_("International"), required=False)
    outside_circle = forms.BooleanField(
        label=_("Outside the usual circle"),
        required=False,
        help_text=_("Prefer municipalities outside your region and your existing partners."),
    )

    def clean_text(self):
        from django.core.exceptions import ValidationError

        from kennisschakel.matching.services import validate_match_text

        try:
            return validate_match_text(self.cleaned_data["text"])
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from error


class IntroductionForm(forms.Form):
    message = forms.CharField(
        label=_("Your message"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What you would like to talk about, and what you can offer in return."),
    )


class AnswerIntroductionForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Your answer"),
        choices=[("yes", _("Yes, put us in touch")), ("no", _("No, not now"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    response = forms.CharField(
        label=_("Message (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PlaceSearchForm(forms.Form):
    q = forms.CharField(label=_("Name of the place"), required=False, max_length=100)
    country = forms.ModelChoiceField(
        label=_("Country"),
        queryset=Country.objects.order_by("name_nl"),
        required=False,
        to_field_name="iso2",
    )
    region = forms.ModelChoiceField(
        label=_("World region"),
        queryset=WorldRegion.objects.all(),
        required=False,
        to_field_name="slug",
    )
    min_population = forms.IntegerField(
        label=_("At least this many inhabitants"), required=False, min_value=0
    )
