"""``{{ value|figure:decimals }}``: a monitor figure with exactly ``decimals`` decimals
and the language's grouping (Dutch: 4.428,57), as the printed tables show amounts.
The value is already rounded by the table's rule (``survey.Table.shown``)."""

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def figure(value, decimals=0):
    if value is None or value == "":
        return ""
    return floatformat(value, f"{int(decimals)}g")
