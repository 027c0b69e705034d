from django import forms
from django.utils.translation import gettext_lazy as _

from kennisschakel.core.formwidgets import DateInput, FilterableCheckboxes
from kennisschakel.knowledge.models import TransferCategory
from kennisschakel.matching.models import Offer, Question, title_from_text
from kennisschakel.matching.services import MAX_QUESTION_LENGTH, validate_question_text
from kennisschakel.partnerships.models import ExchangeForm
from kennisschakel.register.models import Country, WorldRegion
from kennisschakel.register.widgets import domain_choices, grouped_domain_field  # noqa: F401

# The objects of policy transfer (Dolowitz & Marsh, as discussed in ``000`` §2.1) in plain
# words, with the theory's own term in brackets for those who know it.
PLAIN_TRANSFER = [
    (TransferCategory.GOALS, _("What to achieve (policy goals)")),
    (TransferCategory.CONTENT, _("How the policy is put together (policy content)")),
    (
        TransferCategory.INSTRUMENTS,
        _("Rules, grants and other tools (policy instruments)"),
    ),
    (TransferCategory.PROGRAMMES, _("A complete approach or programme (policy programmes)")),
    (
        TransferCategory.INSTITUTIONS,
        _("Who does it and how it is organised (institutions)"),
    ),
    (TransferCategory.IDEOLOGIES, _("Vision and principles behind it (ideologies)")),
    (TransferCategory.IDEAS, _("Ideas and ways of looking at it (ideas and attitudes)")),
    (TransferCategory.NEGATIVE_LESSONS, _("What did not work (negative lessons)")),
]
TRANSFER_HELP = _(
    "Optional. Policy-transfer theory calls these the objects of transfer (Dolowitz & "
    "Marsh, in Monrooij (2021), §2.1); the theory's term is in brackets."
)


class CountryChoicesField(forms.Field):
    """Countries as ticked boxes, grouped by world region (``004`` §6.1), posting ISO
    codes ('DE'). Also takes names typed by a client without the list ('China,
    duitsland'), resolved as the party fields do; nothing is saved while one is unknown."""

    widget = FilterableCheckboxes

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", FilterableCheckboxes())
        super().__init__(**kwargs)
        self.countries_by_iso = {}

    def set_choices(self):
        from kennisschakel.engines.text.folding import fold_words

        countries = list(Country.objects.select_related("world_region"))
        self.countries_by_iso = {country.iso2: country for country in countries}
        regions, other = {}, []
        for country in countries:
            region = country.world_region
            (regions.setdefault(region, []) if region else other).append(country)
        groups = [
            (region.name, sorted(members, key=lambda c: fold_words(c.name)))
            for region, members in sorted(regions.items(), key=lambda item: item[0].position)
        ]
        if other:
            groups.append(
                (_("Without a world region"), sorted(other, key=lambda c: fold_words(c.name)))
            )
        self.widget.choices = [
            (label, [(c.iso2, c.name) for c in members]) for label, members in groups
        ]
        # The filter also finds a country by its other language's name and its code.
        self.widget.search_terms = {
            c.iso2: " ".join(
                dict.fromkeys(n for n in (c.name_nl, c.name_en, c.iso2.lower()) if n != c.name)
            )
            for c in countries
        }

    def prepare_value(self, value):
        if not value:
            return []
        codes = []
        for item in value:
            if isinstance(item, Country):
                codes.append(item.iso2)
            elif isinstance(item, int):
                country = next((c for c in self.countries_by_iso.values() if c.pk == item), None)
                codes.append(country.iso2 if country else str(item))
            else:
                codes.append(str(item))
        return codes

    def to_python(self, value):
        from django.core.exceptions import ValidationError

        from kennisschakel.register import parties

        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        names = []
        for item in value:
            names += [part.strip() for part in str(item).replace(";", ",").split(",")]
        chosen, problems = [], []
        for name in filter(None, names):
            country = self.countries_by_iso.get(name.upper()) if len(name) == 2 else None
            if country is None:
                try:
                    option = parties.resolve(name, kinds=[parties.COUNTRY])
                except ValidationError as error:
                    problems.extend(error.messages)
                    continue
                country = Country.objects.get(pk=option.pk)
            chosen.append(country)
        if problems:
            raise ValidationError(problems)
        return list(dict.fromkeys(chosen))


class _KnowledgeItemForm(forms.ModelForm):
    # Countries as boxes grouped by world region, with a filter field (choicefilter.js).
    countries = CountryChoicesField(
        label=_("Countries of interest"),
        required=False,
        help_text=_("Open a world region and tick the countries, or search the list by name."),
    )
    transfer = forms.MultipleChoiceField(
        label=_("What do you want to learn?"),
        required=False,
        choices=PLAIN_TRANSFER,
        widget=forms.CheckboxSelectMultiple,
        help_text=TRANSFER_HELP,
    )
    preferred_forms = forms.MultipleChoiceField(
        label=_("How would you like to exchange?"),
        required=False,
        choices=ExchangeForm.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        grouped_domain_field(self.fields["domains"])
        self.fields["domains"].label = _("Policy fields")
        self.fields["domains"].help_text = _("Tick one or more; the main field if in doubt.")
        self.fields["countries"].set_choices()
        self.fields["regions"].queryset = WorldRegion.objects.all()
        self.fields["regions"].help_text = _(
            "The monitor's world regions (%(source)s), for a wish without a country."
        ) % {"source": "VNG (2009), §6.1"}
        self.fields["text"].widget = forms.Textarea(
            attrs={"rows": 5, "maxlength": MAX_QUESTION_LENGTH}
        )
        self.fields["title"].required = False
        self.fields["title"].label = _("Short title (optional)")
        self.fields["title"].help_text = _(
            "Leave it empty and the first sentence of your text becomes the title."
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

    def clean(self):
        cleaned = super().clean()
        # A title nobody typed comes from the text: never an error for something the
        # person asking cannot know.
        if not (cleaned.get("title") or "").strip() and cleaned.get("text"):
            cleaned["title"] = title_from_text(cleaned["text"])
        return cleaned

    def save_values(self, instance):
        instance.transfer = list(self.cleaned_data.get("transfer") or [])
        instance.forms = list(self.cleaned_data.get("preferred_forms") or [])
        return instance


class QuestionForm(_KnowledgeItemForm):
    class Meta:
        model = Question
        fields = ["text", "title", "international", "outside_circle", "domains", "countries",
                  "regions", "deadline", "status", "answer"]  # fmt: skip
        widgets = {
            "deadline": DateInput(),
            "regions": forms.CheckboxSelectMultiple,
            "answer": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = _("What are you looking for?")
        self.fields["text"].help_text = _(
            "In your own words: the problem, what you have tried, what kind of help you want."
        )
        self.fields["international"].label = _("Also from abroad")
        self.fields["international"].help_text = _(
            "Also look for municipalities and organisations in other countries."
        )
        if not self.instance.pk:
            del self.fields["status"], self.fields["answer"]
        self.order_fields(["text", "title", "transfer", "domains", "preferred_forms"])

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
        fields = ["text", "title", "international", "domains", "countries", "regions", "active"]
        widgets = {"regions": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = _("What can you offer?")
        self.fields["transfer"].label = _("What can others learn from you?")
        self.order_fields(["text", "title", "transfer", "domains", "preferred_forms"])


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
