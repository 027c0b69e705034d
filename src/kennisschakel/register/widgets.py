"""Form widgets and fields for naming parties: a text field that the server resolves by
name (register/parties.py), enhanced into an accessible combobox by
``static/kennisschakel/combobox.js`` (WAI-ARIA 1.2 combobox pattern: list autocomplete,
arrow keys, Enter, Escape). Without JavaScript it stays a plain text field."""

from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from kennisschakel.core.formwidgets import GroupedCheckboxes
from kennisschakel.register import parties
from kennisschakel.register.models import Country, PolicyDomain


def suggest_url(kinds) -> str:
    return f"{reverse('register:party-suggest')}?{urlencode({'kinds': ','.join(kinds)})}"


class _ComboboxMixin:
    template_name = "register/widgets/party_combobox.html"

    def __init__(self, kinds=parties.PARTY_KINDS, separator: str = "", attrs=None):
        super().__init__(attrs=attrs)
        self.kinds = tuple(kinds)
        self.separator = separator

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"].update(
            suggest_url=suggest_url(self.kinds),
            separator=self.separator,
            add_to_list=isinstance(self, forms.Textarea),
        )
        return context


class PartyCombobox(_ComboboxMixin, forms.TextInput):
    """One party (or, with ``separator``, several in one line, e.g. countries)."""


class PartyListCombobox(_ComboboxMixin, forms.Textarea):
    """A list of parties, one per line; with JavaScript, a combobox beside it adds lines."""


class CountriesField(forms.Field):
    """Countries typed by name (Dutch or English) or ISO code, separated by commas or
    semicolons: 'Duitsland, China'. Cleans to a list of Country rows; nothing is
    written while any name is unknown or ambiguous."""

    widget = PartyCombobox

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", PartyCombobox(kinds=[parties.COUNTRY], separator=","))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, str) or value is None:
            return value
        names = []
        for item in value:
            country = item if isinstance(item, Country) else Country.objects.filter(pk=item).first()
            if country is not None:
                names.append(country.name)
        return ", ".join(names)

    def to_python(self, value):
        if not value:
            return []
        if not isinstance(value, str):
            raise ValidationError(_("Type the countries' names, separated by commas."))
        names = [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
        options, problems = [], []
        for name in names:
            try:
                options.append(parties.resolve(name, kinds=[parties.COUNTRY]))
            except ValidationError as error:
                problems.extend(error.messages)
        if problems:
            raise ValidationError(problems)
        by_pk = Country.objects.in_bulk([option.pk for option in options])
        return list(dict.fromkeys(by_pk[option.pk] for option in options))


def domain_choices():
    """The policy domains as groups: each main domain with its sub-domains (one query)."""
    domains = list(PolicyDomain.objects.order_by("position", "name_nl"))
    children = {}
    for domain in domains:
        children.setdefault(domain.parent_id, []).append(domain)
    groups = []
    for parent in children.get(None, []):
        options = [(parent.pk, _("%(name)s (in general)") % {"name": parent.name})]
        options += [(child.pk, child.name) for child in children.get(parent.pk, [])]
        groups.append((parent.name, options))
    return groups


def grouped_domain_field(field):
    """Turn a form's policy-domain multi-select into checkbox groups, same values.

    Here, beside the policy domains, so that every app's forms can use it."""
    field.widget = GroupedCheckboxes()
    field.choices = domain_choices()
    return field
