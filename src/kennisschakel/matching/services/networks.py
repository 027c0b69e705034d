"""Networks to suggest to a municipality: the rules in ``data/network_suggestions.yaml``
matched against its profile (domains, borders, size), leaving out those it is in."""

from functools import cache
from pathlib import Path

import yaml
from django.utils import translation

from kennisschakel.register import models as register

DATA = Path(__file__).resolve().parent.parent / "data"


@cache
def _network_rules() -> list[dict]:
    data = yaml.safe_load((DATA / "network_suggestions.yaml").read_text(encoding="utf-8"))
    return data["rules"]


def _size_fits(rule: dict, inhabitants: int) -> bool:
    """A rule's size bounds, all of them (a network for towns of 50,000–250,000 needs
    both); an unknown population (0) fits no size rule."""
    low, high = rule.get("min_inhabitants"), rule.get("max_inhabitants")
    if low is None and high is None or inhabitants <= 0:
        return False
    return (low is None or inhabitants >= low) and (high is None or inhabitants <= high)


def network_suggestions(municipality: register.Municipality) -> list[dict]:
    """Networks that suit a municipality's profile and that it is not in yet, with why."""
    from kennisschakel.knowledge.models import Practice
    from kennisschakel.partnerships.models import NetworkMembership, Partnership

    domains = set(
        Practice.objects.published()
        .filter(owner=municipality.organisation)
        .values_list("domains__slug", flat=True)
    ) | set(
        Partnership.objects.filter(partners__organisation=municipality.organisation).values_list(
            "domains__slug", flat=True
        )
    )
    already = set(
        NetworkMembership.objects.filter(member=municipality.organisation).values_list(
            "network__slug", flat=True
        )
    )
    borders = municipality.border_segments.exists()
    inhabitants = municipality.inhabitants or 0
    organisations = {o.slug: o for o in register.Organisation.objects.all()}
    language = translation.get_language() or "nl"
    found: dict[str, dict] = {}
    for rule in _network_rules():
        fits = (
            municipality.cbs_code in rule.get("municipalities", [])
            or bool(domains & set(rule.get("domains", [])))
            or (rule.get("border") and borders)
            or _size_fits(rule, inhabitants)
        )
        if not fits:
            continue
        label = rule["label_en"] if language.startswith("en") else rule["label_nl"]
        for slug in rule["networks"]:
            if slug in already or slug not in organisations:
                continue
            entry = found.setdefault(slug, {"network": organisations[slug], "because": []})
            entry["because"].append(label)
    return sorted(found.values(), key=lambda e: (-len(e["because"]), e["network"].name))
