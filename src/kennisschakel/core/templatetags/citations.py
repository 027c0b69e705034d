"""``{{ row.source|cite }}``: a source note as a public citation (core/sources.py)."""

from django import template

from kennisschakel.core.sources import cite as cite_source

register = template.Library()


@register.filter
def cite(source: str):
    return cite_source(source or "")
