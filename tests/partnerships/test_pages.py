"""The partnership pages, the country view and the landscape render with demo data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from kennisschakel.partnerships.models import NetworkMembership, Partnership

pytestmark = pytest.mark.django_db


def test_list_and_country_view(client):
    url = reverse("partnerships:partnership-list")
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["partnerships"].count() == Partnership.objects.count() > 10
    ghana = client.get(url, {"country": "GH"})
    names = [p.name for p in ghana.context["partnerships"]]
    assert names and all(
        p.partners.filter(place__country__iso2="GH").exists() for p in ghana.context["partnerships"]
    )
    assert any(c.iso2 == "GH" for c in response.context["countries"])


def test_list_query_count_is_constant(client):
    url = reverse("partnerships:partnership-list")
    with CaptureQueriesContext(connection) as everything:
        client.get(url)
    with CaptureQueriesContext(connection) as one_country:
        client.get(url, {"country": "GH"})
    assert len(everything) <= len(one_country) + 1
    assert len(everything) < 15


def test_detail_council_note_and_learning_pages(client):
    partnership = Partnership.objects.filter(partners__organisation__slug="gm0153").first()
    assert client.get(partnership.get_absolute_url()).status_code == 200
    note = client.get(reverse("partnerships:council-note", args=[partnership.slug]))
    assert note.status_code == 200 and "Raadsinformatiebrief" in note.content.decode()
    learning = client.get(reverse("partnerships:learning-assessment", args=[partnership.slug]))
    assert learning.status_code == 200


def test_landscape_shows_domains_overlap_and_gaps(client):
    response = client.get(reverse("partnerships:landscape"))
    assert response.status_code == 200
    rows = response.context["by_domain"]
    assert len(rows) == 5
    assert all(0 <= row["without"] <= 342 for row in rows)


def test_municipality_page_shows_networks(client):
    membership = NetworkMembership.objects.filter(member__type="municipality").first()
    page = client.get(membership.member.get_absolute_url()).content.decode()
    assert escape(str(membership.network)) in page


def test_network_page_lists_its_members(client):
    membership = NetworkMembership.objects.select_related("network", "member").first()
    page = client.get(membership.network.get_absolute_url()).content.decode()
    assert escape(str(membership.member)) in page
    assert reverse("partnerships:network-balance", args=[membership.network.slug]) in page


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
