"""Facet parameters in the URL and their labels for the search page."""

from django.utils.translation import gettext_lazy as _

from kennisschakel.knowledge.models import Maturity, Practice
from kennisschakel.knowledge.search import FACETS
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


def parse_filters(params) -> dict[str, set[str]]:
    return {
        name: {v for v in params.getlist(name) if v and len(v) < 80}
        for name in FACETS
        if params.getlist(name)
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
            described.append({"name": name, "label": FACET_LABELS[name], "options": options})
    return described
