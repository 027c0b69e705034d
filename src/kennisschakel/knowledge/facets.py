"""Facet parameters in the URL and their labels for the search page."""

from django.utils.translation import gettext_lazy as _

from kennisschakel.knowledge.indexing import FACETS
from kennisschakel.knowledge.models import Maturity, Practice
from kennisschakel.register import models as register

FACET_LABELS = {
    "domain": _("Policy domain"),
    "size_class": _("Size of the owner"),
    "province": _("Province"),
    "maturity": _("Maturity"),
    "negative": _("Negative lessons"),
    "adopted": _("Adopted by others"),
    "kind": _("Kind"),
}
YES_NO = {"yes": _("yes"), "no": _("no")}


# The query parameter of each facet, on the search page and in the API alike: lower
# camelCase (NL API Design Rules), e.g. ?sizeClass=gib2009-20k-50k.
def _lower_camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(word.title() for word in rest)


FACET_PARAMETERS = {name: _lower_camel(name) for name in FACETS}


def parse_filters(params) -> dict[str, set[str]]:
    """The selected values per facet, from the query parameters (FACET_PARAMETERS)."""
    return {
        name: {v for v in params.getlist(FACET_PARAMETERS[name]) if v and len(v) < 80}
        for name in FACETS
        if params.getlist(FACET_PARAMETERS[name])
    }


def _value_labels() -> dict[str, dict[str, str]]:
    return {
        "domain": {d.slug: d.name for d in register.PolicyDomain.objects.all()},
        "size_class": {
            c.slug: f"{c.label} ({c.scheme.slug[-4:]})"
            for c in register.SizeClass.objects.select_related("scheme")
        },
        "province": dict(register.Province.objects.values_list("code", "name")),
        "maturity": {k: str(v) for k, v in Maturity.choices},
        "negative": {k: str(v) for k, v in YES_NO.items()},
        "adopted": {k: str(v) for k, v in YES_NO.items()},
        "kind": {k: str(v) for k, v in Practice.Kind.choices},
    }


def describe_facets(counts: dict[str, dict[str, int]], selected: dict[str, set[str]]) -> list[dict]:
    """Facets for the template: name, label and values with label, count and checked state."""
    labels = _value_labels()
    described = []
    for name in FACETS:
        values = counts.get(name, {})
        options = [
            {
                "value": value,
                "label": labels[name].get(value, value),
                "count": count,
                "checked": value in selected.get(name, set()),
            }
            for value, count in values.items()
            if count or value in selected.get(name, set())
        ]
        options.sort(key=lambda o: (-o["count"], str(o["label"])))
        if options:
            described.append(
                {"name": FACET_PARAMETERS[name], "label": FACET_LABELS[name], "options": options}
            )
    return described
