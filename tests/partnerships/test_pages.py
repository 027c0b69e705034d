"""The partnership pages, the country view and the landscape render with demo data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from kennisschakel.partnerships.models import NetworkMembership, Partnership
from kennisschakel.register.models import PolicyDomain
from tests.partnerships.factories import (
    ExchangeActivityFactory,
    NetworkFactory,
    NetworkMembershipFactory,
    PartnershipFactory,
)

pytestmark = pytest.mark.django_db


def test_list_and_country_view(client):
    ghana = PartnershipFactory(name="Proefband met Ghana", partners=["GM0363", "place: Accra, GH"])
    germany = PartnershipFactory(name="Proefband met Münster")
    url = reverse("partnerships:partnership-list")
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["partnerships"].count() == Partnership.objects.count()
    assert {ghana, germany} <= set(response.context["partnerships"])
    in_ghana = list(client.get(url, {"country": "GH"}).context["partnerships"])
    assert ghana in in_ghana and germany not in in_ghana
    assert all(p.partners.filter(place__country__iso2="GH").exists() for p in in_ghana)
    assert {"GH", "DE"} <= {c.iso2 for c in response.context["countries"]}


def test_list_query_count_is_constant(client):
    url = reverse("partnerships:partnership-list")
    with CaptureQueriesContext(connection) as everything:
        client.get(url)
    with CaptureQueriesContext(connection) as one_country:
        client.get(url, {"country": "GH"})
    assert len(everything) <= len(one_country) + 1
    assert len(everything) < 15


def test_detail_council_note_and_learning_pages(client):
    partnership = PartnershipFactory(name="Enschede–Münster (test)")
    ExchangeActivityFactory(
        partnership=partnership,
        title="Werkbezoek afvalbeleid",
        sides=[("GM0153", "gave", 6), ("place: Münster, DE", "received")],
    )
    detail = client.get(partnership.get_absolute_url())
    assert detail.status_code == 200
    assert detail.context["partnership"] == partnership
    page = detail.content.decode()
    assert "Enschede–Münster (test)" in page and "Werkbezoek afvalbeleid" in page
    note = client.get(reverse("partnerships:council-note", args=[partnership.slug]))
    assert note.status_code == 200 and "Raadsinformatiebrief" in note.content.decode()
    assert "Enschede–Münster (test)" in note.content.decode()
    learning = client.get(reverse("partnerships:learning-assessment", args=[partnership.slug]))
    assert learning.status_code == 200
    assert "Enschede–Münster (test)" in learning.content.decode()


def test_landscape_shows_domains_overlap_and_gaps(client):
    # Only this test's memberships count (rolled back with the test): exact figures.
    NetworkMembership.objects.all().delete()
    social, safety = "sociaal-domein", "veiligheid"
    first = NetworkFactory(name="Proefnetwerk Sociaal", domains=[social])
    second = NetworkFactory(name="Proefnetwerk Veilig", domains=[social, safety])
    for code in ("GM0153", "GM0988", "GM0193"):
        NetworkMembershipFactory(network=first, member=code)
    for code in ("GM0988", "GM0193"):
        NetworkMembershipFactory(network=second, member=code)
    NetworkMembershipFactory(network=second, member="vng")  # not a municipality: not counted

    response = client.get(reverse("partnerships:landscape"))
    assert response.status_code == 200
    assert response.context["municipality_count"] == 342
    rows = {row["domain"].slug: row for row in response.context["by_domain"]}
    assert set(rows) == set(
        PolicyDomain.objects.filter(parent__isnull=True).values_list("slug", flat=True)
    )
    assert len(rows) == 5
    assert rows[social]["without"] == 342 - 3  # Enschede, Weert and Zwolle are covered
    assert rows[safety]["without"] == 342 - 2
    assert {n.pk for n in rows[social]["networks"]} >= {first.pk, second.pk}
    assert second in rows[safety]["networks"] and first not in rows[safety]["networks"]
    untouched = [row for slug, row in rows.items() if slug not in (social, safety)]
    assert all(row["without"] == 342 for row in untouched)
    assert response.context["overlap"] == [(first, second, 2)]

    chosen = client.get(reverse("partnerships:landscape"), {"domain": safety})
    assert chosen.context["chosen"].slug == safety
    without = [m.cbs_code for m in chosen.context["without_chosen"]]
    assert len(without) == 340 and not {"GM0988", "GM0193"} & set(without)
    assert "GM0153" in without


def test_municipality_page_shows_networks(client):
    membership = NetworkMembershipFactory(network=NetworkFactory(name="Proefnetwerk Twente"))
    page = client.get(membership.member.get_absolute_url()).content.decode()
    assert escape(str(membership.network)) in page
    assert membership.network.get_absolute_url() in page


def test_network_page_lists_its_members(client):
    network = NetworkFactory(name="Proefnetwerk Grens")
    for code in ("GM0153", "GM0988"):
        NetworkMembershipFactory(network=network, member=code)
    page = client.get(network.get_absolute_url()).content.decode()
    assert escape("Enschede") in page and escape("Weert") in page
    assert reverse("partnerships:network-balance", args=[network.slug]) in page


def test_list_is_paged_and_counts_countries_in_the_database(client):
    """Thousands of partnerships nationally: the list shows a page, the filter survives paging."""
    from kennisschakel.partnerships.models import PartnershipPartner
    from kennisschakel.partnerships.views import PARTNERSHIPS_PER_PAGE
    from kennisschakel.register.models import ForeignPlace

    place = ForeignPlace.objects.filter(country__iso2="GH").first()
    extra = Partnership.objects.bulk_create(
        Partnership(slug=f"paging-{n:03}", name=f"Paging {n:03}", kind=Partnership.Kind.TWINNING)
        for n in range(PARTNERSHIPS_PER_PAGE + 5)
    )
    PartnershipPartner.objects.bulk_create(
        PartnershipPartner(partnership=partnership, place=place) for partnership in extra
    )
    url = reverse("partnerships:partnership-list")
    total = Partnership.objects.count()
    first = client.get(url)
    assert len(first.context["partnerships"]) == PARTNERSHIPS_PER_PAGE
    assert first.context["page"].paginator.count == total
    last = client.get(url, {"page": first.context["page"].paginator.num_pages})
    shown = PARTNERSHIPS_PER_PAGE * (first.context["page"].paginator.num_pages - 1)
    assert len(last.context["partnerships"]) == total - shown

    ghana = client.get(url, {"country": "GH"})
    ghana_total = Partnership.objects.filter(partners__place__country__iso2="GH").distinct().count()
    assert ghana.context["page"].paginator.count == ghana_total > PARTNERSHIPS_PER_PAGE
    assert 'href="?country=GH&amp;page=2"' in ghana.content.decode()
    listed = {c.iso2: c.n for c in first.context["countries"]}
    assert listed["GH"] == ghana_total

    # The extra rows cost no extra queries.
    with CaptureQueriesContext(connection) as paged:
        client.get(url)
    assert len(paged) < 15
