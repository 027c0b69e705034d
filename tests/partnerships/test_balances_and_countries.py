"""Country-wide and network balances, countries as partners, and the demo data."""

import datetime
import random

import pytest
import yaml
from django.urls import reverse
from rest_framework.test import APIClient

from kennisschakel.engines import reciprocity
from kennisschakel.partnerships import balances, loaders, services
from kennisschakel.partnerships.models import (
    ExchangeActivity,
    NetworkMembership,
    Partnership,
)
from kennisschakel.register.models import Municipality, Organisation
from tests.partnerships.factories import ExchangeActivityFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


def test_every_demo_partnership_is_loaded_and_skips_are_explained():
    data = yaml.safe_load(loaders.DATA_FILE.read_text(encoding="utf-8"))
    slugs = {p["slug"] for p in data["partnerships"]}
    assert slugs == set(Partnership.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    loaded = set(ExchangeActivity.objects.values_list("slug", flat=True))
    missing = {a["slug"] for a in data["activities"]} - loaded
    # The two exchanges for which the sources name no second party were dropped from
    # the data (docs/data-sources.md), so every record loads.
    assert not missing


def test_countries_as_partners():
    india = PartnershipFactory(name="Den Haag – India (test)", partners=["GM0518", "country: IN"])
    partner = india.partners.get(country__isnull=False)
    assert partner.party_key.startswith("country:") and partner.label == "India"
    assert partner.country.iso2 == "IN" and partner.organisation is None and partner.place is None
    assert services.parse_party("country: India").country.iso2 == "IN"
    with pytest.raises(services.ValidationError):
        services.parse_party("country: Atlantis")


def test_country_view_includes_country_partners(client):
    india = PartnershipFactory(name="Den Haag – India (test)", partners=["GM0518", "country: IN"])
    munster = PartnershipFactory(name="Enschede – Münster (test)")
    response = client.get(reverse("partnerships:partnership-list"), {"country": "IN"})
    names = [p.name for p in response.context["partnerships"]]
    assert names == [
        p.name for p in Partnership.objects.filter(partners__country__iso2="IN").order_by("name")
    ]
    assert india.name in names and munster.name not in names
    assert any(c.iso2 == "IN" for c in response.context["countries"])


def _random_ledger(seed: int, count: int):
    rng = random.Random(seed)
    codes = ["GM0153", "GM0988", "GM0193", "GM0637", "GM0363", "GM0599"]
    abroad = ["place: Münster, DE", "country: IN"]
    for i in range(count):
        parties = rng.sample(codes + abroad, rng.choice([2, 2, 3]))
        day = datetime.date(2020, 1, 1) + datetime.timedelta(days=rng.randrange(2000))
        services.log_activity(
            {"title": f"Proef {seed}-{i}", "form": "bijeenkomst", "start_date": day},
            [
                services.SideInput(
                    services.parse_party(p),
                    rng.choice(["gave", "received", "mutual"]),
                    hours=rng.choice([None, 1, 2.5, 8]),
                )
                for p in parties
            ],
        )


def test_country_balances_agree_with_the_engine_per_municipality():
    """The one-GROUP-BY country balance equals the engine's balance of each municipality."""
    _random_ledger(7, 60)
    start, end = datetime.date(2021, 1, 1), datetime.date(2023, 12, 31)
    grouped = balances.country_balances(start, end)
    assert len(grouped) >= 6
    for organisation_id, balance in grouped.items():
        engine = balances.organisation_summary(organisation_id, start, end)["balance"]
        assert balance.activity_count == engine.activity_count
        assert balance.given_activities == pytest.approx(engine.given_activities)
        assert balance.received_hours == pytest.approx(engine.received_hours)
        assert balance.activity_index == pytest.approx(engine.activity_index)


def test_balances_from_direction_totals_by_hand():
    result = reciprocity.balances_from_direction_totals(
        [("A", "gave", 2, 10.0), ("A", "mutual", 2, 4.0), ("B", "received", 1, None)]
    )
    a = result["A"]
    assert (a.given_activities, a.received_activities, a.activity_count) == (3.0, 1.0, 4)
    assert (a.given_hours, a.received_hours) == (12.0, 2.0)
    assert a.activity_index == 0.5
    assert result["B"].activity_index == -1.0 and result["B"].hours_index is None


def test_balance_pages_and_api(client):
    _random_ledger(11, 20)
    page = client.get(reverse("partnerships:balances"), {"from": "2020-01-01", "order": "name"})
    assert page.status_code == 200
    names = [m.name for m, _b in page.context["rows"]]
    assert names == sorted(names) and "Enschede" in names
    bad = client.get(reverse("partnerships:balances"), {"from": "gisteren"})
    assert bad.status_code == 400 and "gisteren" in bad.content.decode()

    api = APIClient().get("/api/v1/reciprocity", {"from": "2020-01-01"}).json()
    enschede = Municipality.objects.get(cbs_code="GM0153")
    expected = balances.country_balances(datetime.date(2020, 1, 1))[enschede.organisation_id]
    assert api["municipalities"]["GM0153"]["activity_count"] == expected.activity_count
    problem = APIClient().get("/api/v1/reciprocity", {"from": "2024-01-01", "until": "2020-01-01"})
    assert problem.status_code == 400 and problem["Content-Type"] == "application/problem+json"


def test_balance_page_and_api_give_the_hand_computed_figures(client):
    """A year with only this test's exchanges: every figure by hand (a mutual side counts
    half given and half received, its hours too; disputed and out-of-period ones do not)."""
    day = datetime.date(2031, 3, 3)
    ExchangeActivityFactory(start_date=day, sides=[("GM0153", "gave", 4), ("GM0988", "received")])
    ExchangeActivityFactory(start_date=day, sides=[("GM0153", "received"), ("GM0193", "gave", 2)])
    ExchangeActivityFactory(
        start_date=day, sides=[("GM0153", "mutual", 3), ("place: Münster, DE", "mutual")]
    )
    ExchangeActivityFactory(
        start_date=datetime.date(2030, 12, 31), sides=[("GM0153", "gave"), ("GM0988", "received")]
    )
    disputed = ExchangeActivityFactory(
        start_date=day, sides=[("GM0153", "gave"), ("GM0193", "received")]
    )
    services.confirm_activity(disputed, agree=False)
    period = {"from": "2031-01-01", "until": "2031-12-31"}

    api = APIClient().get("/api/v1/reciprocity", period).json()
    assert (api["from"], api["until"]) == ("2031-01-01", "2031-12-31")
    assert api["municipalities"] == {
        "GM0153": {
            "given_activities": 1.5,
            "received_activities": 1.5,
            "given_hours": 5.5,
            "received_hours": 1.5,
            "activity_count": 3,
            "activity_index": 0.0,
            "hours_index": pytest.approx(4 / 7),
        },
        "GM0193": {
            "given_activities": 1.0,
            "received_activities": 0.0,
            "given_hours": 2.0,
            "received_hours": 0.0,
            "activity_count": 1,
            "activity_index": 1.0,
            "hours_index": 1.0,
        },
        "GM0988": {
            "given_activities": 0.0,
            "received_activities": 1.0,
            "given_hours": 0.0,
            "received_hours": 0.0,
            "activity_count": 1,
            "activity_index": -1.0,
            "hours_index": None,
        },
    }

    page = client.get(reverse("partnerships:balances"), {**period, "order": "given"})
    assert page.status_code == 200
    assert [(m.cbs_code, b.activity_count) for m, b in page.context["rows"]] == [
        ("GM0193", 1),  # gave most on balance
        ("GM0153", 3),
        ("GM0988", 1),
    ]


def test_network_balance_counts_only_exchanges_between_members(client):
    network = Organisation.objects.create(slug="proefnetwerk", name="Proefnetwerk", type="network")
    for code in ("GM0153", "GM0988"):
        NetworkMembership.objects.create(
            network=network, member=Municipality.objects.get(cbs_code=code).organisation
        )
    day = datetime.date(2025, 2, 2)
    services.log_activity(
        {"title": "Tussen leden", "form": "bijeenkomst", "start_date": day},
        [
            services.SideInput(services.parse_party("GM0153"), "gave"),
            services.SideInput(services.parse_party("GM0988"), "received"),
        ],
    )
    services.log_activity(
        {"title": "Met een buitenstaander", "form": "bijeenkomst", "start_date": day},
        [
            services.SideInput(services.parse_party("GM0153"), "gave"),
            services.SideInput(services.parse_party("GM0193"), "received"),
        ],
    )
    data = APIClient().get("/api/v1/reciprocity/networks/proefnetwerk").json()
    enschede = f"org:{Municipality.objects.get(cbs_code='GM0153').organisation_id}"
    weert = f"org:{Municipality.objects.get(cbs_code='GM0988').organisation_id}"
    assert data["members"][enschede]["given_activities"] == 1.0
    assert data["members"][enschede]["activity_count"] == 1  # the outsider exchange is not in it
    assert data["members"][weert]["activity_index"] == -1.0
    page = client.get(reverse("partnerships:network-balance", args=["proefnetwerk"]))
    assert page.status_code == 200 and "Enschede" in page.content.decode()
    organisation_page = client.get(network.get_absolute_url()).content.decode()
    assert reverse("partnerships:network-balance", args=["proefnetwerk"]) in organisation_page


def test_landscape_lists_municipalities_without_a_network_for_a_domain(client):
    response = client.get(reverse("partnerships:landscape"))
    row = next(r for r in response.context["by_domain"] if r["networks"])
    chosen = client.get(reverse("partnerships:landscape"), {"domain": row["domain"].slug})
    names = [m.name for m in chosen.context["without_chosen"]]
    assert len(names) == row["without"] and names == sorted(names)
    members = set(
        NetworkMembership.objects.filter(network__in=row["networks"]).values_list(
            "member_id", flat=True
        )
    )
    assert not members & {m.organisation_id for m in chosen.context["without_chosen"]}


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (None, None),
        (datetime.date(2021, 1, 1), datetime.date(2023, 12, 31)),
        (datetime.date(2022, 6, 1), None),
    ],  # fmt: skip
)
def test_organisation_summary_in_sql_equals_the_engine(start, end):
    """The municipality page's three GROUP BYs give exactly what the engine computes."""
    _random_ledger(23, 80)
    enschede = Municipality.objects.get(cbs_code="GM0153").organisation_id
    # a disputed and an undated exchange must stay out of both
    disputed = services.log_activity(
        {"title": "Betwist", "form": "bijeenkomst", "start_date": datetime.date(2022, 2, 2)},
        [
            services.SideInput(services.parse_party("GM0153"), "gave", hours=5),
            services.SideInput(services.parse_party("GM0988"), "received"),
        ],
    )
    services.confirm_activity(disputed, agree=False)
    services.log_activity(
        {"title": "Zonder datum", "form": "bijeenkomst"},
        [
            services.SideInput(services.parse_party("GM0153"), "gave"),
            services.SideInput(services.parse_party("GM0988"), "received"),
        ],
    )
    for organisation_id in (enschede, Municipality.objects.get(cbs_code="GM0988").organisation_id):
        sql = balances.organisation_summary(organisation_id, start, end)
        engine = balances.organisation_summary_in_python(organisation_id, start, end)
        assert sql["undated"] == engine["undated"]
        got, expected = sql["balance"], engine["balance"]
        assert got.activity_count == expected.activity_count
        for field in ("given_activities", "received_activities", "given_hours", "received_hours"):
            assert getattr(got, field) == pytest.approx(getattr(expected, field)), field
        assert set(sql["partners"]) == set(engine["partners"])
        for key, expected in engine["partners"].items():
            got = sql["partners"][key]
            assert got.activity_count == expected.activity_count, key
            assert got.given_activities == pytest.approx(expected.given_activities), key
            assert got.received_hours == pytest.approx(expected.received_hours), key
        assert list(sql["trend"]) == list(engine["trend"])
        for year, expected in engine["trend"].items():
            assert sql["trend"][year].activity_count == expected.activity_count, year
            assert sql["trend"][year].given_hours == pytest.approx(expected.given_hours), year
