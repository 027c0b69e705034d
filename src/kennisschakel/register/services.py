"""Domain operations on the register (no HTTP here)."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Lower, NullIf

from kennisschakel.core.upsert import UpsertResult, upsert
from kennisschakel.engines.sizeclasses import SizeBand, classify
from kennisschakel.engines.text.folding import fold, fold_words
from kennisschakel.register import models as m

# --- municipalities -------------------------------------------------------


def municipality_queryset() -> QuerySet:
    """Municipalities with everything a list or API page shows, in a fixed number of queries.

    ``sort_name`` is the name people use ('Den Haag', not "'s-Gravenhage"), so
    alphabetical lists put Den Haag under D.
    """
    return (
        m.Municipality.objects.select_related("province", "organisation")
        .prefetch_related(
            Prefetch("groupings", queryset=m.Grouping.objects.order_by("name")),
            Prefetch("border_countries", queryset=m.Country.objects.order_by("iso2")),
        )
        .annotate(sort_name=Lower(Coalesce(NullIf("common_name", Value("")), "name")))
    )


@dataclass(frozen=True)
class SchemeBands:
    scheme: m.SizeScheme
    classes: dict[str, m.SizeClass]
    bands: tuple[SizeBand, ...]

    def class_for(self, inhabitants: int | None) -> m.SizeClass | None:
        if inhabitants is None:
            return None
        slug = classify(inhabitants, self.bands)
        return self.classes.get(slug) if slug else None


def size_schemes() -> list[SchemeBands]:
    """All schemes with their classes (two queries), to classify many municipalities in memory."""
    schemes = []
    for scheme in m.SizeScheme.objects.prefetch_related("classes"):
        classes = list(scheme.classes.all())
        schemes.append(
            SchemeBands(
                scheme=scheme,
                classes={c.slug: c for c in classes},
                bands=tuple(SizeBand(c.slug, c.lower, c.upper) for c in classes),
            )
        )
    return schemes


def size_classes_of(municipality: m.Municipality, schemes: list[SchemeBands]) -> list[tuple]:
    """[(scheme, size class or None)] for one municipality."""
    return [(s.scheme, s.class_for(municipality.inhabitants)) for s in schemes]


def province_lookup() -> dict[str, m.Province]:
    """Provinces by folded name and by code; 'Friesland' is accepted for Fryslân."""
    lookup = {}
    for province in m.Province.objects.all():
        lookup[fold(province.name)] = province
        lookup[fold(province.code)] = province
    if "fryslan" in lookup:
        lookup["friesland"] = lookup["fryslan"]
    return lookup


@transaction.atomic
def save_municipalities(rows: list[dict]) -> UpsertResult:
    """Create or update municipalities and their organisation records.

    Each row holds cbs_code, name, province (name or PV code) and optionally
    common_name, inhabitants, inhabitants_date, inhabitants_source, source.
    Keys that a row leaves out keep their stored value. Rows must be valid
    (see :mod:`kennisschakel.register.importers`).
    """
    provinces = province_lookup()
    existing = m.Municipality.objects.in_bulk([r["cbs_code"] for r in rows], field_name="cbs_code")
    organisation_rows = []
    for row in rows:
        current = existing.get(row["cbs_code"])
        common_name = row.get("common_name", current.common_name if current else "")
        organisation_rows.append(
            {
                "slug": row["cbs_code"].lower(),
                "name": common_name or row["name"],
                "type": m.Organisation.Type.MUNICIPALITY,
                "level": m.Organisation.Level.LOCAL,
            }
        )
    organisations = upsert(m.Organisation, "slug", organisation_rows).objects
    municipality_rows = []
    for row in rows:
        values = {
            "cbs_code": row["cbs_code"],
            "name": row["name"],
            "province_id": provinces[fold(row["province"])].pk,
            "organisation_id": organisations[row["cbs_code"].lower()].pk,
        }
        for optional in (
            "common_name",
            "inhabitants",
            "inhabitants_date",
            "inhabitants_source",
            "source",
        ):
            if optional in row:
                values[optional] = row[optional]
        municipality_rows.append(values)
    return upsert(m.Municipality, "cbs_code", municipality_rows)


def search_municipalities(queryset: QuerySet, text: str) -> QuerySet:
    """Name search that ignores case and accents: 'sudwest' finds Súdwest-Fryslân.

    The register is small (hundreds of rows), so folding in Python and
    filtering by primary key behaves the same on SQLite and PostgreSQL.
    """
    needle = fold_words(text)
    if not needle:
        return queryset
    matching = [
        pk
        for pk, name, common_name, code in m.Municipality.objects.values_list(
            "pk", "name", "common_name", "cbs_code"
        )
        if needle in fold_words(f"{name} {common_name}") or needle == code.lower()
    ]
    return queryset.filter(pk__in=matching)


def update_municipality(municipality: m.Municipality, fields: dict) -> m.Municipality:
    """A facilitator's correction of register facts (the API's PATCH; CBS imports use
    :func:`save_municipalities`)."""
    for name, value in fields.items():
        setattr(municipality, name, value)
    municipality.save()
    return municipality


# --- organisations --------------------------------------------------------


def create_organisation(fields: dict) -> m.Organisation:
    """A new organisation (not a municipality: those come with the register import)."""
    fields = dict(fields)
    domains = fields.pop("domains", None)
    organisation = m.Organisation.objects.create(**fields)
    if domains is not None:
        organisation.domains.set(domains)
    return organisation


def update_organisation(organisation: m.Organisation, fields: dict) -> m.Organisation:
    """Change an organisation's profile (the profile page and the API's PATCH); the
    policy domains are replaced when ``fields`` names them."""
    fields = dict(fields)
    domains = fields.pop("domains", None)
    for name, value in fields.items():
        setattr(organisation, name, value)
    organisation.save()
    if domains is not None:
        organisation.domains.set(domains)
    return organisation


# --- mergers --------------------------------------------------------------


@dataclass(frozen=True)
class Resolution:
    """Where an old CBS code ends up today, and through which steps."""

    code: str
    municipality: m.Municipality | None
    steps: tuple[m.Merger, ...]


def resolve_code(code: str, on: datetime.date | None = None) -> Resolution:
    """Follow mergers from ``code`` to the municipality that holds its territory now.

    With ``on``, only mergers effective on or before that date are followed.
    Where a municipality was split, the first successor listed is followed.
    """
    code = code.upper()
    steps: list[m.Merger] = []
    seen = {code}
    while True:
        municipality = m.Municipality.objects.filter(cbs_code=code).first()
        mergers = m.Merger.objects.filter(old_code=code).exclude(new_code=code)
        if on is not None:
            mergers = mergers.filter(effective_date__lte=on)
        step = mergers.order_by("effective_date", "pk").first()
        if step is None or step.new_code in seen:
            return Resolution(code=code, municipality=municipality, steps=tuple(steps))
        steps.append(step)
        seen.add(step.new_code)
        code = step.new_code


def municipality_codes_on(day: datetime.date) -> set[str]:
    """The CBS codes of the municipalities that existed on ``day`` (back to 2009).

    Starts from today's register and undoes, newest first, every merger that
    took effect after ``day``: dissolved codes come back, codes first issued
    by such a merger go away.
    """
    codes = set(m.Municipality.objects.values_list("cbs_code", flat=True))
    later = m.Merger.objects.filter(effective_date__gt=day)
    codes |= set(later.values_list("old_code", flat=True))
    codes -= set(later.filter(successor_is_new=True).values_list("new_code", flat=True))
    return codes


def predecessors_of(municipality: m.Municipality) -> list[m.Merger]:
    """Every merger step that ended in this municipality, directly or through a chain."""
    found, frontier = [], {municipality.cbs_code}
    seen = set(frontier)
    while frontier:
        steps = list(m.Merger.objects.filter(new_code__in=frontier).exclude(old_code__in=seen))
        found.extend(steps)
        frontier = {s.old_code for s in steps}
        seen |= frontier
    return sorted(found, key=lambda s: (s.effective_date, s.old_name), reverse=True)


# --- places abroad --------------------------------------------------------


def search_places(text: str, country: str | None = None, limit: int = 20) -> list[m.ForeignPlace]:
    """Places abroad whose name or a name variant matches, best first.

    Exact variant matches ('neurenberg' → Nuremberg) come before prefix matches
    ('neur…'); within each, larger places first. 'Munster' therefore resolves
    to Münster (Westphalia) before the small Alsatian Munster.
    """
    needle = fold(text).replace("|", "")
    if not needle:
        return []
    queryset = m.ForeignPlace.objects.select_related("country", "country__world_region")
    if country:
        queryset = queryset.filter(country__iso2=country.upper())
    exact = list(
        queryset.filter(search_names__contains=f"|{needle}|").order_by("-population")[:limit]
    )
    results = exact
    if len(exact) < limit:
        prefix = queryset.filter(search_names__contains=f"|{needle}").exclude(
            pk__in=[p.pk for p in exact]
        )
        results = exact + list(prefix.order_by("-population")[: limit - len(exact)])
    for place in results:
        place.matched_name = _matched_variant(place, needle)
    return results


def _matched_variant(place: m.ForeignPlace, needle: str) -> str:
    """The name variant the search matched, to show why a place was found."""
    variants = place.name_variants or [place.name]
    for matches in (lambda f: f == needle, lambda f: f.startswith(needle)):
        for variant in variants:
            if matches(fold(variant)):
                return variant
    return place.name


def resolve_place(text: str, country: str | None = None) -> m.ForeignPlace | None:
    """The one place a name most likely means, or None."""
    needle = fold(text)
    results = search_places(text, country=country, limit=1)
    if results and f"|{needle}|" in results[0].search_names:
        return results[0]
    return None


def country_lookup(text: str) -> m.Country | None:
    """A country by ISO code or by its Dutch or English name."""
    text = text.strip()
    if len(text) in (2, 3):
        match = m.Country.objects.filter(Q(iso2__iexact=text) | Q(iso3__iexact=text)).first()
        if match:
            return match
    folded = fold(text)
    for country in m.Country.objects.all():
        if folded in (fold(country.name_nl), fold(country.name_en)):
            return country
    return None
