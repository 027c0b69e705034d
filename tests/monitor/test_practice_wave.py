"""The practice wave (monitor/practice.py): a closed wave of the 2009 monitor with
FICTITIOUS answers drawn to match the printed 2009 distributions; labelled on every page,
in the PDF and in the exports; left out of everything that shows real figures
(municipality pages, "Mijn Kennisschakel", the API, notifications, trends)."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from kennisschakel.engines import survey
from kennisschakel.monitor import practice, reporting, services
from kennisschakel.monitor.imports import ImportRejected, export_csv, export_xlsx, import_responses
from kennisschakel.monitor.instruments import load_instruments
from kennisschakel.monitor.models import Instrument, Wave
from kennisschakel.notifications.models import Notification

pytestmark = pytest.mark.django_db

LABEL_NL = "Oefengolf — fictieve antwoorden, geen echte gegevens"
ENSCHEDE = "GM0153"


@pytest.fixture
def practice_wave(db):
    load_instruments()
    wave, made = practice.load_practice_wave()
    assert made > 100
    return wave


def make_real_wave(slug, reference, closes_on):
    return services.create_wave(
        {
            "slug": slug,
            "instrument": Instrument.objects.get(slug="gib"),
            "title": f"Echte golf {slug}",
            "period": str(reference.year),
            "reference_date": reference,
            "opens_on": closes_on - datetime.timedelta(days=30),
            "closes_on": closes_on,
        }
    )


# --------------------------------------------------------------------------- the answers


def test_closed_flagged_filled_once_and_deterministic(practice_wave):
    assert practice_wave.is_practice
    assert practice_wave.effective_status() == Wave.Status.CLOSED
    assert practice_wave.title == practice.PRACTICE_TITLE
    again = practice.load_practice_wave()
    assert again == (practice_wave, 0)  # the seed leaves it as it is
    assert practice.fictitious_answers(practice_wave) == practice.fictitious_answers(practice_wave)


def test_answers_are_valid_and_follow_the_routing(practice_wave):
    instrument = practice_wave.instrument.engine()
    submitted = practice_wave.invitations.filter(submitted_at__isnull=False)
    assert submitted.count() > 100
    for invitation in submitted:
        answers, errors = survey.normalise_answers(instrument, invitation.answers)
        assert not errors
        assert answers == invitation.answers
        assert not survey.missing_required(instrument, invitation.answers)


def test_figures_match_the_printed_2009_distributions(practice_wave):
    """Per size class the printed percentages (004 Tables 2.1, 3.1, 3.3) within a few
    points where at least 20 municipalities answered: drawn by quota, not by luck."""
    compared = {
        entry["printed"]["id"]: entry for entry in reporting.compare_with_published(practice_wave)
    }
    checked = 0
    for table_id in ("vng2009.table_3_1", "vng2009.table_3_3", "vng2009.table_3_4"):
        entry = compared[table_id]
        bases = {column["code"]: column["wave_base"] for column in entry["columns"]}
        for row in entry["rows"]:
            for cell in row["cells"]:
                if cell["wave"] is None or (bases[cell["column"]] or 0) < 20:
                    continue
                assert abs(cell["wave"] - cell["printed"]) <= 6, (table_id, row["code"], cell)
                checked += 1
    assert checked >= 10
    response = compared["vng2009.table_2_1"]
    rates = {cell["column"]: cell for row in response["rows"] if row["code"] == "response"
             for cell in row["cells"]}  # fmt: skip
    assert abs(rates["gib2009-20k-50k"]["wave"] - 47) <= 1


# --------------------------------------------------------------------------- labels


def test_every_page_says_fictitious(client, practice_wave, enschede_contributor):
    with translation.override("nl"):
        pages = {
            "list": reverse("monitor:wave-list"),
            "detail": reverse("monitor:wave-detail", args=[practice_wave.slug]),
            "report": reverse("monitor:wave-report", args=[practice_wave.slug]),
            "where": reverse("monitor:where-we-stand", args=[practice_wave.slug]),
        }
    client.force_login(enschede_contributor)
    for name, url in pages.items():
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="nl")
        assert response.status_code == 200, name
        text = response.content.decode()
        assert "fictieve antwoorden" in text, name
    # A real wave's pages carry no such label.
    real = make_real_wave("gib-echt", datetime.date(2025, 1, 1), datetime.date(2025, 3, 1))
    detail = client.get(real.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "fictieve antwoorden" not in detail


def _pdf_pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def test_where_we_stand_pdf_says_fictitious_on_every_page(practice_wave):
    from kennisschakel.monitor.pdfs import html_to_pdf, where_we_stand_html

    invitation = practice_wave.invitations.filter(submitted_at__isnull=False).first()
    with translation.override("nl"):
        pages = _pdf_pages(html_to_pdf(where_we_stand_html(invitation)))
    assert len(pages) > 1
    for text in pages:
        assert "fictieve antwoorden" in " ".join(text.split())


def test_report_pdf_parts_say_fictitious(practice_wave):
    from kennisschakel.monitor.pdfs import report_parts

    with translation.override("nl"):
        parts = report_parts(practice_wave, parts=2)
    assert len(parts) == 2
    for html in parts:  # the @page rule puts it at the top of every page of each part
        assert f'@top-center {{ content: "{LABEL_NL}"' in html
    assert LABEL_NL in parts[0]


def test_exports_say_fictitious_and_do_not_import_back(practice_wave):
    with translation.override("nl"):
        text = export_csv(practice_wave)
        workbook = load_workbook(io.BytesIO(export_xlsx(practice_wave)))
        first, header = list(csv.reader(io.StringIO(text)))[:2]
        assert first == [LABEL_NL]
        assert header[:2] == ["cbs_code", "name"]
        sheet = workbook.active
        assert sheet["A1"].value == LABEL_NL and sheet["A2"].value == "cbs_code"
        real = make_real_wave("gib-echt", datetime.date(2025, 1, 1), datetime.date(2025, 3, 1))
        with pytest.raises(ImportRejected) as rejected:
            import_responses(real, text)
    assert rejected.value.errors[0].row == 1
    assert not real.invitations.filter(submitted_at__isnull=False).exists()


def test_code_list_export_says_fictitious(client, practice_wave, facilitator):
    """The per-municipality code list (CSV/XLSX) carries the same first line."""
    client.force_login(facilitator)
    url = reverse("monitor:wave-tokens-export", args=[practice_wave.slug, "csv"])
    text = client.get(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    first, header, *rows = list(csv.reader(io.StringIO(text)))
    assert first == [LABEL_NL] and header[:2] == ["CBS-code", "Gemeente"]
    assert len(rows) == practice_wave.invitations.count()
    url = reverse("monitor:wave-tokens-export", args=[practice_wave.slug, "xlsx"])
    sheet = load_workbook(io.BytesIO(client.get(url, HTTP_ACCEPT_LANGUAGE="nl").content)).active
    assert sheet["A1"].value == LABEL_NL and sheet["A2"].value == "CBS-code"
    assert sheet.freeze_panes == "C3" and sheet.max_row == len(rows) + 2


def test_report_json_download_says_fictitious(client, practice_wave):
    url = reverse("monitor:wave-report", args=[practice_wave.slug]) + "?format=json"
    data = client.get(url, HTTP_ACCEPT_LANGUAGE="nl").json()
    assert data["practice"] is True and data["notice"] == LABEL_NL
    assert data["tables"]


def test_real_wave_export_has_no_label(practice_wave):
    real = make_real_wave("gib-echt", datetime.date(2025, 1, 1), datetime.date(2025, 3, 1))
    assert export_csv(real).startswith("cbs_code,")
    assert "practice" not in reporting.report_json(real)


# --------------------------------------------------------------------------- exclusions


def test_municipality_page_leaves_it_out(client, practice_wave, enschede_contributor):
    assert practice_wave.invitations.filter(cbs_code=ENSCHEDE).exists()
    url = reverse("register:municipality-detail", args=[ENSCHEDE])
    client.force_login(enschede_contributor)
    page = client.get(url).content.decode()
    assert practice.PRACTICE_TITLE not in page
    # A real closed wave with Enschede does show: the section itself works.
    real = make_real_wave("gib-echt", datetime.date(2025, 1, 1), datetime.date(2025, 3, 1))
    page = client.get(url).content.decode()
    assert real.title in page and practice.PRACTICE_TITLE not in page


def test_mine_leaves_it_out(practice_wave, enschede_contributor):
    from kennisschakel.monitor.waiting import count_monitor, monitor_for_us

    part = monitor_for_us(enschede_contributor, None)
    assert all(row.title != practice.PRACTICE_TITLE for row in part.rows)
    assert count_monitor(enschede_contributor, None) == 0


def test_api_leaves_it_out(client, practice_wave, facilitator):
    client.force_login(facilitator)
    listed = client.get("/api/v1/waves").json()
    slugs = [wave["slug"] for wave in listed.get("results", listed)]
    assert practice_wave.slug not in slugs
    assert client.get(f"/api/v1/waves/{practice_wave.slug}/report").status_code == 404
    assert client.get(f"/api/v1/waves/{practice_wave.slug}").status_code == 404


def test_nobody_is_notified(practice_wave, monkeypatch):
    from kennisschakel.notifications import services as notifications

    assert not Notification.objects.exists()  # not when it was made either
    sent = []
    monkeypatch.setattr(notifications, "notify", lambda *args, **kwargs: sent.append(kwargs))
    services.notify_wave(practice_wave, Wave.Status.CLOSED)
    assert sent == []
    # A real closed wave does notify (the check above could fail).
    real = make_real_wave("gib-echt", datetime.date(2025, 1, 1), datetime.date(2025, 3, 1))
    services.notify_wave(real, Wave.Status.CLOSED)
    assert sent


def test_cannot_be_opened_so_no_letters_or_emails(practice_wave, facilitator):
    from django.core.exceptions import ValidationError

    from kennisschakel.monitor import schedule

    with pytest.raises(ValidationError):
        schedule.set_override(
            practice_wave, Wave.Status.OPEN, facilitator, closes_on=datetime.date(2099, 1, 1)
        )
    practice_wave.refresh_from_db()
    assert practice_wave.effective_status() == Wave.Status.CLOSED


def test_never_in_a_trend(practice_wave):
    earlier = make_real_wave("gib-2020", datetime.date(2020, 1, 1), datetime.date(2020, 3, 1))
    later = make_real_wave("gib-2027", datetime.date(2027, 1, 1), datetime.date(2027, 3, 1))
    assert practice_wave not in reporting.trend_waves(later)
    assert reporting.trend_waves(later)[0] == earlier
    assert reporting.trend_waves(practice_wave) == [practice_wave]
