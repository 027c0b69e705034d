"""The council note renders as HTML and as a PDF whose text holds the totals."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from kennisschakel.partnerships import services
from kennisschakel.partnerships.councilnote import euro
from kennisschakel.partnerships.models import Motive
from tests.files.flow import ask_for_file, fetch_made_file

pytestmark = pytest.mark.django_db


def test_euro_format():
    assert euro(Decimal("1234.5")) == "€ 1.234,50"
    assert euro(0) == "€ 0,00"


def test_pdf_holds_the_totals(client, django_capture_on_commit_callbacks):
    enschede = services.parse_party("GM0153")
    weert = services.parse_party("GM0988")
    partnership = services.create_partnership(
        {"name": "Enschede – Weert kennispartnerschap", "kind": "projectpartnerschap"},
        [enschede, weert],
        motives=[Motive.objects.get(slug="solidariteit")],
    )
    for day, hours, costs, subsidy in [
        (datetime.date(2025, 3, 1), 12, Decimal("450.00"), Decimal("100.00")),
        (datetime.date(2025, 10, 1), 8, Decimal("300.00"), None),
        (datetime.date(2024, 6, 1), 99, Decimal("999.00"), None),  # outside the period
    ]:
        services.log_activity(
            {
                "title": f"Werkbezoek {day}",
                "form": "werkbezoek",
                "start_date": day,
                "partnership": partnership,
                "costs": costs,
                "subsidy": subsidy,
            },
            [
                services.SideInput(enschede, "gave", hours=hours),
                services.SideInput(weert, "received", hours=4),
            ],
        )
    url = reverse("partnerships:council-note", args=[partnership.slug])
    params = {
        "organisation": enschede.organisation.pk,
        "start": "2025-01-01",
        "end": "2025-12-31",
        "hourly_rate": "80",
    }
    page = client.get(url, params).content.decode()
    # 20 hours × € 80 = € 1.600; costs € 750; input € 2.350; subsidy € 100; net € 2.250.
    assert "€ 1.600,00" in page and "€ 2.250,00" in page
    pdf_url = reverse("partnerships:council-note-pdf", args=[partnership.slug])
    job = ask_for_file(client, pdf_url, params, django_capture_on_commit_callbacks)
    pages = PdfReader(io.BytesIO(fetch_made_file(client, job))).pages
    # PDF text comes out with layout line breaks; compare on single spaces.
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    for total in ["€ 1.600,00", "€ 750,00", "€ 2.350,00", "€ 100,00", "€ 2.250,00"]:
        assert total in text, total
    assert "Werkbezoek 2024-06-01" not in text


def test_bad_period_is_explained(client):
    partnership = services.create_partnership(
        {"name": "Proef", "kind": "stedenband"},
        [services.parse_party("GM0153"), services.parse_party("GM0988")],
    )
    response = client.get(
        reverse("partnerships:council-note", args=[partnership.slug]),
        {
            "organisation": services.parse_party("GM0153").organisation.pk,
            "start": "2025-12-31",
            "end": "2025-01-01",
            "hourly_rate": "-5",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "De einddatum ligt vóór de begindatum." in body


def test_council_note_for_a_proposed_activity(client, django_capture_on_commit_callbacks):
    from kennisschakel.partnerships.models import Motive

    enschede = services.parse_party("GM0153")
    next_year = datetime.date.today().year + 1
    activity = services.log_activity(
        {
            "title": "Voorgesteld werkbezoek aan Münster",
            "form": "werkbezoek",
            "start_date": datetime.date(next_year, 5, 1),
            "costs": Decimal("1200"),
            "subsidy": Decimal("300"),
            "learning_goals": "Leren hoe Münster fietsparkeren regelt",
        },
        [
            services.SideInput(enschede, "received", hours=30),
            services.SideInput(services.parse_party("place: Münster, DE"), "gave", hours=10),
        ],
        organisation=enschede.organisation,
    )
    motive = Motive.objects.get(slug="solidariteit")
    url = reverse("partnerships:activity-council-note", args=[activity.slug])
    params = {
        "organisation": enschede.organisation.pk,
        "hourly_rate": "50",
        f"return_{motive.slug}": "Minder fietsen op de stoep",
    }
    page = client.get(url, params).content.decode()
    # 30 h × € 50 = € 1.500; + € 1.200 = € 2.700; − € 300 = € 2.400.
    assert "€ 1.500,00" in page and "€ 2.400,00" in page
    pdf_url = reverse("partnerships:activity-council-note-pdf", args=[activity.slug])
    job = ask_for_file(client, pdf_url, params, django_capture_on_commit_callbacks)
    pdf = fetch_made_file(client, job)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Voorstel aan de raad" in text
    for expected in ["€ 2.700,00", "€ 2.400,00", "Minder fietsen op de stoep", "fietsparkeren"]:
        assert expected in text, expected
