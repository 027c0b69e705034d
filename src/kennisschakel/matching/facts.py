"""What the register and the partnership ledger say about the candidates' owners, read
for the adapter in a fixed number of queries: per municipality its CBS code, province,
size class and borders; per active partnership its countries, partners and texts.

The municipalities' facts (342 rows and their borders) are also kept per process
(:func:`cached_municipal_facts`): the asker of every match request is read from them, and
``match_index.apply_changes`` forgets them after a change.
"""

from collections import defaultdict

from kennisschakel.partnerships.models import Partnership, PartnershipPartner
from kennisschakel.register import models as register
from kennisschakel.register.services import size_schemes

SIZE_SCHEME = "gib2009"
NETWORK_TYPES = {"network", "knowledge_platform", "association"}
INSTITUTION_TYPES = {"knowledge_institution"}
ACTIVE = {Partnership.Status.ACTIVE, Partnership.Status.DORMANT}


def municipal_facts() -> dict[int, dict]:
    """Per municipality organisation id: CBS code, province, size class, border countries."""
    bands = next((s for s in size_schemes() if s.scheme.slug == SIZE_SCHEME), None)
    borders = defaultdict(set)
    for municipality_id, iso2 in register.BorderSegment.objects.values_list(
        "municipality_id", "country__iso2"
    ):
        borders[municipality_id].add(iso2)
    facts = {}
    for m in register.Municipality.objects.select_related("province"):
        size = bands.class_for(m.inhabitants) if bands else None
        facts[m.organisation_id] = {
            "code": m.cbs_code,
            "name": m.common_name or m.name,
            "names": frozenset(filter(None, [m.name, m.common_name])),
            "province": m.province.code,
            "size_class": size.slug if size else None,
            "borders": frozenset(borders[m.pk]),
        }
    return facts


def partnership_facts(facts, partnership_ids=None):
    """Active partnerships: per municipality its foreign countries/regions, partners, years;
    per place abroad its Dutch partners; and texts for the municipalities' profiles.
    ``partnership_ids``: only those partnerships (all when None)."""

    def empty_profile():
        return {"countries": set(), "regions": set(), "partners": set(), "since": None,
                "texts": [], "domains": set()}  # fmt: skip

    by_municipality = defaultdict(empty_profile)
    by_place = defaultdict(lambda: {"municipalities": set(), "since": None, "texts": []})
    # A municipality named by another counts only once it has confirmed (issue 10, C16).
    partners = PartnershipPartner.objects.select_related(
        "partnership", "place__country__world_region", "country__world_region"
    ).filter(partnership__status__in=ACTIVE, status=PartnershipPartner.Status.CONFIRMED)
    domain_rows = Partnership.domains.through.objects.all()
    if partnership_ids is not None:
        partners = partners.filter(partnership_id__in=partnership_ids)
        domain_rows = domain_rows.filter(partnership_id__in=partnership_ids)
    domains = defaultdict(set)
    for partnership_id, slug in domain_rows.values_list("partnership_id", "policydomain__slug"):
        domains[partnership_id].add(slug)
    rows = defaultdict(list)
    for partner in partners:
        rows[partner.partnership_id].append(partner)
    for parts in rows.values():
        partnership = parts[0].partnership
        dutch = [p.organisation_id for p in parts if p.organisation_id in facts]
        text = f"{partnership.name}. {partnership.notes}"
        for org_id in dutch:
            entry = by_municipality[org_id]
            entry["texts"].append(text)
            entry["domains"] |= domains[partnership.pk]
            for other in parts:
                if other.organisation_id == org_id:
                    continue
                country = other.place.country if other.place_id else other.country
                if other.place_id:
                    entry["partners"].add(f"place:{other.place_id}")
                elif other.organisation_id in facts:
                    entry["partners"].add(f"municipality:{facts[other.organisation_id]['code']}")
                if country is not None:
                    entry["countries"].add(country.iso2)
                    if country.world_region_id:
                        entry["regions"].add(country.world_region.slug)
                    if partnership.start_year:
                        entry["since"] = min(filter(None, [entry["since"], partnership.start_year]))
        for other in parts:
            if other.place_id:
                place = by_place[other.place_id]
                place["place"] = other.place
                place["municipalities"] |= {facts[o]["code"] for o in dutch}
                place["texts"].append(text)
                if partnership.start_year:
                    place["since"] = min(filter(None, [place["since"], partnership.start_year]))
    return by_municipality, by_place


def party_key(facts):
    """Organisation → its candidate key (None for types that are no candidate)."""

    def key(organisation) -> str | None:
        if organisation.pk in facts:
            return f"municipality:{facts[organisation.pk]['code']}"
        if organisation.type in NETWORK_TYPES:
            return f"network:{organisation.slug}"
        if organisation.type in INSTITUTION_TYPES:
            return f"institution:{organisation.slug}"
        return None

    return key


_CACHED: dict[int, dict] | None = None


def cached_municipal_facts() -> dict[int, dict]:
    """The municipalities' facts, read once per process and again after
    :func:`forget_cached_facts`."""
    global _CACHED
    if _CACHED is None:
        _CACHED = municipal_facts()
    return _CACHED


def forget_cached_facts() -> None:
    """A municipality's name or organisation may have changed: read them again."""
    global _CACHED
    _CACHED = None
