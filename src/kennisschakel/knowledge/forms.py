from django import forms
from django.utils.translation import gettext_lazy as _

from kennisschakel.core import tabular
from kennisschakel.core.formwidgets import FilterableCheckboxes
from kennisschakel.core.versioning import VersionedFormMixin
from kennisschakel.knowledge.models import Adoption, Maturity, Practice, TransferCategory
from kennisschakel.knowledge.uploads import validate_upload
from kennisschakel.knowledge.validation import practice_rule_errors
from kennisschakel.register.models import ContactPerson, Organisation, PolicyDomain


class CommaListField(forms.CharField):
    """A list typed as comma-separated words: 'nl, en' → ['nl', 'en']."""

    def to_python(self, value):
        text = super().to_python(value)
        return [item.strip() for item in text.split(",") if item.strip()]

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value


def domain_label(domain: PolicyDomain) -> str:
    return f"{domain.parent.name} › {domain.name}" if domain.parent else domain.name


class PracticeForm(VersionedFormMixin, forms.ModelForm):
    transfer = forms.MultipleChoiceField(
        label=_("What is transferred"),
        choices=TransferCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    domains = forms.ModelMultipleChoiceField(
        label=_("Policy domains"),
        # Leaves of the taxonomy: subdomains, and top domains without subdomains.
        queryset=PolicyDomain.objects.filter(children__isnull=True)
        .select_related("parent")
        .order_by("parent__position", "position"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one policy domain.")},
    )
    contacts = forms.ModelMultipleChoiceField(
        label=_("Contact persons"),
        queryset=ContactPerson.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Only people who gave consent are shown to other organisations."),
    )
    co_owners = forms.ModelMultipleChoiceField(
        label=_("Co-owners"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        # Ticked in groups per kind of organisation with a filter field, not Ctrl-click.
        widget=FilterableCheckboxes(),
        help_text=_(
            "Other organisations that developed this practice with you; they may edit it too."
        ),
    )
    languages = CommaListField(
        label=_("Languages"),
        required=False,
        initial="nl",
        help_text=_("Language codes, separated by commas: nl, en, de"),
    )
    tags = CommaListField(label=_("Tags"), required=False, help_text=_("Words separated by commas"))
    evidence_url = forms.URLField(
        label=_("Evaluation or evidence (link)"), required=False, assume_scheme="https"
    )

    class Meta:
        model = Practice
        fields = [
            "kind", "title", "summary", "summary_en", "body", "domains", "transfer", "maturity",
            "negative_lessons", "effort_cost", "period_start", "period_end", "context_urbanity",
            "context_legal_basis", "context_partners", "evidence_url", "contacts", "co_owners",
            "languages",
            "tags", "source",
        ]  # fmt: skip
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "summary_en": forms.Textarea(attrs={"rows": 3, "lang": "en"}),
            "body": forms.Textarea(attrs={"rows": 12}),
            "negative_lessons": forms.Textarea(attrs={"rows": 4}),
            "effort_cost": forms.Textarea(attrs={"rows": 2}),
            "context_partners": forms.Textarea(attrs={"rows": 2}),
            "kind": forms.RadioSelect,
        }

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domains"].label_from_instance = domain_label
        if organisation is not None:
            self.fields["co_owners"].queryset = Organisation.objects.exclude(
                pk=organisation.pk
            ).order_by("name")
            self.fields["contacts"].queryset = ContactPerson.objects.filter(
                organisation=organisation, erased_at__isnull=True
            )
        self._group_co_owners()

    def _group_co_owners(self):
        field = self.fields["co_owners"]
        groups = {}
        for pk, name, kind, short_name in field.queryset.values_list(
            "pk", "name", "type", "short_name"
        ):
            groups.setdefault(kind, []).append((pk, name, short_name))
        labels = dict(Organisation.Type.choices)
        order = list(labels)
        field.choices = [
            (labels.get(kind, kind), [(pk, name) for pk, name, _short in members])
            for kind, members in sorted(
                groups.items(), key=lambda item: order.index(item[0]) if item[0] in order else 99
            )
        ]
        field.widget.search_terms = {
            str(pk): short for members in groups.values() for pk, _name, short in members if short
        }

    def clean_title(self):
        return self.cleaned_data["title"].strip()

    def clean(self):
        cleaned = super().clean()
        # The shared rules (also applied by the API); fields that already failed
        # their own checks (or are missing) keep their first message.
        for name, message in practice_rule_errors(cleaned).items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return cleaned


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, Word (DOCX), OpenDocument (ODT), PNG, JPEG or WebP; at most 10 MB."),
    )
    is_evidence = forms.BooleanField(label=_("This is an evaluation or evidence"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.kind = validate_upload(upload)
        return upload


class AdoptionForm(forms.ModelForm):
    reasons = forms.MultipleChoiceField(
        label=_("Reasons"),
        choices=Adoption.Reason.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Adoption
        fields = ["outcome", "reasons", "what_changed", "note"]
        widgets = {
            "outcome": forms.RadioSelect,
            "what_changed": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "note": _("What the owner should know: how it went, what you learned."),
        }

    def clean(self):
        cleaned = super().clean()
        outcome = cleaned.get("outcome")
        if outcome == Adoption.Outcome.ADAPTED and not cleaned.get("what_changed", "").strip():
            self.add_error("what_changed", _("Say what you changed when you adapted it."))
        if outcome == Adoption.Outcome.DECLINED and not cleaned.get("reasons"):
            self.add_error("reasons", _("Say why you decided against it."))
        return cleaned


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or Excel file"),
        help_text=_("One practice per row; the first row names the columns."),
    )
    publish = forms.BooleanField(label=_("Publish the imported practices at once"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            tabular.check_size(upload.size)  # before a byte of it is read
        except tabular.ImportRejected as rejected:
            raise forms.ValidationError(str(rejected)) from rejected
        return upload


__all__ = ["Maturity"]
