"""Widgets shared by the project's forms."""

from django import forms


class DateInput(forms.DateInput):
    """A browser date picker (``<input type="date">``) that shows its value.

    The browser only accepts ISO dates (2025-01-01) as the value of a date field; Django's
    default renders the active language's format (01-01-2025 in Dutch), which the browser
    throws away, so a default or a stored date looked empty (issue 13, finding 4). Parsing
    accepts ISO dates in every language (Django adds the ISO input formats)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class GroupedCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes in named groups instead of a Ctrl-click multi-select list (issue 13,
    finding 4): every choice is visible and can be ticked with the keyboard or a tap.

    Takes grouped choices, ``[(group label, [(value, label), ...]), ...]``. Each group is
    a ``role="group"`` list labelled by its title, inside the ``<fieldset>`` that the field
    template gives every multiple-choice field; groups fold open and closed
    (``<details>``), and a group with a ticked box starts open."""

    template_name = "core/widgets/grouped_checkboxes.html"
    option_template_name = "core/widgets/grouped_checkbox_option.html"
    collapsible = False

    def __init__(self, attrs=None, choices=(), search_terms=None):
        super().__init__(attrs=attrs, choices=choices)
        # value → extra words a filter also matches (another language's name, a code).
        self.search_terms = search_terms or {}

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy.search_terms = self.search_terms
        return copy

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["search"] = f"{label} {self.search_terms.get(str(value), '')}".strip()
        return option

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        groups = []
        for position, (group, options, _index) in enumerate(context["widget"]["optgroups"]):
            groups.append(
                {
                    "label": group,
                    "id": f"{context['widget']['attrs'].get('id', name)}_group{position}",
                    "options": options,
                    "selected": sum(1 for option in options if option["selected"]),
                }
            )
        context["widget"]["groups"] = groups
        context["widget"]["collapsible"] = self.collapsible
        return context


class FilterableCheckboxes(GroupedCheckboxes):
    """Grouped checkboxes for a long list (249 countries): groups fold shut, and with
    JavaScript (``static/kennisschakel/choicefilter.js``) a text field above them filters
    the boxes by name as one types. Without JavaScript the folded groups work alone."""

    collapsible = True
