"""The register's reference data: complete, consistent with CBS, and loaded idempotently."""

import csv
import datetime
import os
from pathlib import Path

import pytest

from kennisschakel.register import models as m
from kennisschakel.register.loaders import REFERENCE_LOADERS
from kennisschakel.register.services import municipality_codes_on, resolve_code

# The independent list of the 342 municipalities (shared/reference/README.md: used only to
# cross-check, never copied into the project). Found through KENNISSCHAKEL_REFERENCE_DIR,
# else as shared/reference beside the checkout or beside any folder above it.
REFERENCE_NAME = "gemeenten_2025.csv"


def reference_csv() -> Path | None:
    configured = os.environ.get("KENNISSCHAKEL_REFERENCE_DIR")
    if configured:
        return Path(configured) / REFERENCE_NAME
    checkout = Path(__file__).resolve().parents[2]
    for folder in (checkout, *checkout.parents):
        candidate = folder / "shared" / "reference" / REFERENCE_NAME
        if candidate.is_file():
            return candidate
    return None


pytestmark = pytest.mark.django_db


def test_all_342_municipalities_of_2025():
    assert m.Municipality.objects.count() == 342
    codes = list(m.Municipality.objects.values_list("cbs_code", flat=True))
    assert all(len(code) == 6 and code.startswith("GM") for code in codes)


def test_register_agrees_with_independent_reference_list():
    # Never skipped: a run without the list fails here, loudly, instead of passing quietly.
    path = reference_csv()
    if path is None or not path.is_file():
        pytest.fail(
            f"The independent reference list {REFERENCE_NAME} was not found "
            f"(looked in {path or 'shared/reference beside the checkout and its parents'}). "
            "Put shared/reference beside the checkout or set KENNISSCHAKEL_REFERENCE_DIR."
        )
    with open(path, encoding="utf-8") as handle:
        reference = {row["code"]: row for row in csv.DictReader(handle)}
    assert len(reference) == 342
    ours = {mun.cbs_code: mun for mun in m.Municipality.objects.select_related("province")}
    assert set(ours) == set(reference)
    mismatches = [
        (code, ours[code].name, row["name"], ours[code].province.name, row["province"])
        for code, row in reference.items()
        if ours[code].name != row["name"] or ours[code].province.name != row["province"]
    ]
    assert mismatches == []


def test_common_names_and_official_names():
    den_haag = m.Municipality.objects.get(cbs_code="GM0518")
    assert (den_haag.name, den_haag.display_name) == ("'s-Gravenhage", "Den Haag")
    den_bosch = m.Municipality.objects.get(cbs_code="GM0796")
    assert (den_bosch.name, den_bosch.display_name) == ("'s-Hertogenbosch", "Den Bosch")
    assert m.Municipality.objects.get(cbs_code="GM0153").display_name == "Enschede"


def test_inhabitants_have_date_and_source():
    missing = m.Municipality.objects.filter(inhabitants__isnull=True).count()
    assert missing == 0
    assert not m.Municipality.objects.filter(inhabitants_date__isnull=True).exists()
    assert not m.Municipality.objects.filter(inhabitants_source="").exists()
    total = sum(m.Municipality.objects.values_list("inhabitants", flat=True))
    # CBS counts the Dutch population at roughly 18 million in 2024-2025.
    assert 17_500_000 < total < 18_500_000


def test_provinces_hold_the_expected_number_of_municipalities():
    counts = {p.name: p.municipalities.count() for p in m.Province.objects.all()}
    assert len(counts) == 12
    assert counts["Flevoland"] == 6
    assert counts["Fryslân"] == 18
    assert sum(counts.values()) == 342


def test_every_municipality_has_an_organisation_record():
    assert m.Organisation.objects.filter(type=m.Organisation.Type.MUNICIPALITY).count() == 342
    enschede = m.Municipality.objects.select_related("organisation").get(cbs_code="GM0153")
    assert enschede.organisation.name == "Enschede"


def test_second_seed_changes_nothing():
    for label, loader in REFERENCE_LOADERS:
        result = loader()
        assert (label, result.created, result.updated) == (label, 0, 0)


def test_g4_and_borders():
    g4 = m.Grouping.objects.get(slug="g4")
    assert set(g4.municipalities.values_list("cbs_code", flat=True)) == {
        "GM0363",
        "GM0599",
        "GM0518",
        "GM0344",
    }
    enschede = m.Municipality.objects.get(cbs_code="GM0153")
    assert list(enschede.border_countries.values_list("iso2", flat=True)) == ["DE"]
    maastricht = m.Municipality.objects.get(cbs_code="GM0935")
    assert "BE" in maastricht.border_countries.values_list("iso2", flat=True)
    utrecht = m.Municipality.objects.get(cbs_code="GM0344")
    assert not utrecht.border_countries.exists()


def test_mergers_lead_to_current_municipalities():
    current = set(m.Municipality.objects.values_list("cbs_code", flat=True))
    old_codes = set(m.Merger.objects.values_list("old_code", flat=True))
    # A dissolved municipality's code is never in use today.
    assert old_codes.isdisjoint(current)
    for code in old_codes:
        resolution = resolve_code(code)
        assert resolution.municipality is not None, code
        assert resolution.municipality.cbs_code in current


def test_merger_chain_and_date():
    haren = resolve_code("GM0017")
    assert haren.municipality.cbs_code == "GM0014"
    assert haren.steps[0].effective_date == datetime.date(2019, 1, 1)
    # Before the merger took effect, Haren still stood on its own.
    assert resolve_code("GM0017", on=datetime.date(2018, 12, 31)).steps == ()
    # Groesbeek became Berg en Dal (2016): one step, code GM1945.
    assert resolve_code("GM0241").municipality.cbs_code == "GM1945"


def test_mergers_explain_municipalities_named_in_sources():
    """Alkmaar (004 case box) absorbed Graft-De Rijp and Schermer in 2015."""
    alkmaar_predecessors = set(
        m.Merger.objects.filter(new_code="GM0361").values_list("old_name", flat=True)
    )
    assert {"Graft-De Rijp", "Schermer"} <= alkmaar_predecessors


def test_countries_have_dutch_names_and_world_regions():
    germany = m.Country.objects.get(iso2="DE")
    assert (germany.name_nl, germany.name_en) == ("Duitsland", "Germany")
    assert germany.world_region is not None
    assert m.Country.objects.count() >= 249
    assert m.WorldRegion.objects.count() >= 4
    ghana = m.Country.objects.get(iso2="GH")
    poland = m.Country.objects.get(iso2="PL")
    assert ghana.world_region != poland.world_region != germany.world_region


# The organisations and networks the foundation issue names from the sources.
NAMED_ORGANISATIONS = [
    "vng", "vng-international", "platform31", "vso", "vereniging-stadswerk", "divosa",
    "movisie", "vdp", "verwey-jonker-instituut", "rathenau-instituut", "rob", "ncdo", "cossen",
    "c40", "iclei", "eurocities", "climate-alliance", "uclg", "resilient-cities-network",
    "ren21", "un-habitat", "inti", "aivp", "unesco-creative-cities-network", "unitown",
    "strong-cities-network", "european-new-towns-platform", "eurotowns",
    "child-friendly-cities", "parliament-of-mayors",
]  # fmt: skip


def test_organisations_named_in_sources_are_loaded_with_source():
    found = {o.slug: o for o in m.Organisation.objects.filter(slug__in=NAMED_ORGANISATIONS)}
    assert sorted(set(NAMED_ORGANISATIONS) - set(found)) == []
    seeded = m.Organisation.objects.exclude(type="municipality").exclude(
        slug="kennisschakel-beheer"
    )
    assert not seeded.filter(source="").exists()
    assert found["c40"].type == m.Organisation.Type.NETWORK
    assert found["c40"].level == m.Organisation.Level.INTERNATIONAL
    assert found["platform31"].domains.exists()


@pytest.mark.parametrize(
    ("day", "count"),
    [
        # CBS's published counts of municipalities on 1 January; 2021 is the 352
        # that 003 surveyed, 2009 the year of the 004 monitor.
        (datetime.date(2009, 1, 1), 441),
        (datetime.date(2010, 1, 1), 431),
        (datetime.date(2019, 1, 1), 355),
        (datetime.date(2021, 1, 1), 352),
        (datetime.date(2022, 1, 1), 345),
        (datetime.date(2023, 1, 1), 342),
    ],
)
def test_municipalities_of_earlier_years_map_onto_today(day, count):
    codes = municipality_codes_on(day)
    assert len(codes) == count
    current = set(m.Municipality.objects.values_list("cbs_code", flat=True))
    for code in codes:
        resolved = resolve_code(code).municipality
        assert resolved is not None and resolved.cbs_code in current, code
