"""Counts for the collapsible filter panel ("Filters (2 active)") on list pages.

On narrow screens the filters fold into a <details> panel (site.css: .filter-panel); its
summary says how many filters are on, so a visitor sees that the results are narrowed
without opening it.
"""

from django import template

register = template.Library()


@register.filter
def active_facets(facets) -> int:
    """How many options are checked in the knowledge bank's facets (knowledge/facets.py)."""
    return sum(1 for facet in facets or () for option in facet["options"] if option["checked"])


@register.filter
def active_filters(form, skip: str = "") -> int:
    """How many fields of a bound filter form have a value, leaving out the comma-separated
    names in ``skip`` (the name box and the sort order are not filters to count)."""
    if form is None or not getattr(form, "is_bound", False):
        return 0
    left_out = {name.strip() for name in skip.split(",") if name.strip()}
    count = 0
    for name in form.fields:
        if name in left_out:
            continue
        values = (
            [value for value in form.data.getlist(name) if value.strip()]
            if hasattr(form.data, "getlist")
            else [form.data.get(name)]
        )
        if any(values):
            count += 1
    return count
