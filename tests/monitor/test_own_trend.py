"""Trends on "where do we stand": a municipality's answers over the waves of one
instrument beside its size class (median / share of the same answer), suppressed
below the wave's minimum cell, a chart and a data table with the same figures, and
the own line for the municipality itself only."""

import datetime
import json
import re

import pytest
from django.urls import reverse

from kennisschakel.monitor import charts, reporting
from kennisschakel.monitor.instruments import load_instruments
from kennisschakel.monitor.models import Instrument
from tests.monitor.test_reporting import LARGE, TODAY, make_wave, pick, submit

pytestmark = pytest.mark.django_db

ENSCHEDE = "GM0153"
OWN_EARLIER = 987.5  # Enschede's own hours in 2020: never on anybody else's page


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def instrument(db):
    if not Instrument.objects.filter(slug="gib").exists():
        load_instruments()
    return Instrument.objects.get(slug="gib")


@pytest.fixture
def waves(instrument):
    """2020: six of the largest class, Enschede among them; this year: four (suppressed)."""
    earlier = make_wave(
        instrument, slug="gib-2020", period="2020", reference_date=datetime.date(2020, 1, 1)
    )
    hours = [OWN_EARLIER, 20, 30, 40, 50, 60]  # median (40 + 50) / 2 = 45
    answers = ["ja_huidige_periode"] * 3 + ["nee"] * 3  # 3 of 6 as Enschede: 50%
    for invitation, h, a in zip(
        pick(earlier, LARGE, 6, first=[ENSCHEDE]), hours, answers, strict=True
    ):
        submit(invitation, uren_op_papier=h, nota_beleid=a)
    current = make_wave(instrument, slug="gib-nu")
    for invitation, h in zip(pick(current, LARGE, 4, first=[ENSCHEDE]), [40, 1, 2, 3], strict=True):
        submit(invitation, uren_op_papier=h, nota_beleid="nee")
    return earlier, current


def test_own_trend_data_and_suppression(waves):
    earlier, current = waves
    enschede = current.invitations.get(cbs_code=ENSCHEDE)
    items = {item["code"]: item for item in reporting.own_trend(enschede)}
    hours = items["uren_op_papier"]
    assert hours["measure"] == "median" and hours["decimals"] == 1
    assert [row["label"] for row in hours["waves"]] == ["2020", str(TODAY.year)]
    first, now = hours["waves"]
    assert (first["own"], first["class_value"], first["class_n"]) == (OWN_EARLIER, 45.0, 6)
    assert first["size_class"] == LARGE and not first["suppressed"]
    # This year only 4 of the class answered: below min_cell 5, nothing of the class.
    assert (now["own"], now["class_value"], now["class_n"], now["suppressed"]) == (
        40,
        None,
        None,
        True,
    )
    nota = items["nota_beleid"]
    assert nota["measure"] == "share"
    assert [row["own"] for row in nota["waves"]] == ["ja_huidige_periode", "nee"]
    assert [row["class_value"] for row in nota["waves"]] == [50.0, None]
    # Questions it never answered are left out; one wave alone has no trend.
    assert "uitgaven_bedrag" not in items
    assert reporting.own_trend(earlier.invitations.get(cbs_code=ENSCHEDE)) == []


def test_min_cell_of_each_wave_decides(waves):
    earlier, current = waves
    earlier.min_cell = 7
    earlier.save(update_fields=["min_cell"])
    enschede = current.invitations.get(cbs_code=ENSCHEDE)
    hours = next(i for i in reporting.own_trend(enschede) if i["code"] == "uren_op_papier")
    assert hours["waves"][0]["class_value"] is None and hours["waves"][0]["suppressed"]
    assert hours["waves"][0]["own"] == OWN_EARLIER  # the own answer stays


def _trend_rows(page: str, code: str) -> list[list[str]]:
    section = page[page.index(f'id="trend-{code}"') :]
    section = section[: section.index("</table>")]
    return [
        [
            re.sub(r"\s+", " ", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", section.split("<tbody>")[1], re.S)
    ]


def test_chart_and_data_table_show_the_same_figures(
    waves, client, enschede_contributor, monkeypatch
):
    _earlier, current = waves
    drawn = []  # what each chart is drawn from
    draw = charts._draw_trend
    monkeypatch.setattr(
        charts, "_draw_trend", lambda key: drawn.append(json.loads(key)) or draw(key)
    )
    client.force_login(enschede_contributor)
    page = client.get(reverse("monitor:where-we-stand", args=[current.slug])).content.decode()
    assert "Your answers over the waves" in page
    enschede = current.invitations.get(cbs_code=ENSCHEDE)
    hours = next(i for i in reporting.own_trend(enschede) if i["code"] == "uren_op_papier")
    rows = _trend_rows(page, "uren_op_papier")
    assert rows == [
        ["2020", "987.5", "45.0", "6"],
        [str(TODAY.year), "40.0", "– (fewer than 5)", "–"],  # as asked: 1 decimal
    ]
    assert [row[0] for row in rows] == [w["label"] for w in hours["waves"]]
    chart = next(d for d in drawn if d["title"].startswith(hours["title_en"]))
    assert chart["labels"] == [row[0] for row in rows]
    (own_label, own), (class_label, median) = chart["lines"]
    assert own == [OWN_EARLIER, 40] and median == [45.0, None]  # the table's figures
    assert own_label == "Your municipality" and class_label.startswith("Median of")
    # The chart: an accessible SVG drawn from the same figures (its title, both lines).
    section = page[page.index('id="trend-uren_op_papier"') :]
    svg = section[section.index("<svg") : section.index("</svg>")]
    assert 'role="img"' in svg and "median of your size class" in svg
    assert "Your municipality" in svg
    # The choice question: a table, no chart; the own answer as its label.
    nota = _trend_rows(page, "nota_beleid")
    assert nota[0][2] == "50%" and nota[1][2] == "– (fewer than 5)"
    nota_section = page[page.index('id="trend-nota_beleid"') :]
    assert "<svg" not in nota_section[: nota_section.index("</table>")]


def test_only_the_municipality_sees_its_own_line(waves, client, weert_contributor, facilitator):
    _earlier, current = waves
    url = reverse("monitor:where-we-stand", args=[current.slug])
    client.force_login(weert_contributor)  # invited, but answered nothing
    page = client.get(url).content.decode()
    assert "987.5" not in page and "987,5" not in page
    assert "Your answers over the waves" not in page
    client.force_login(facilitator)
    assert client.get(url).status_code == 403


def test_pdf_has_the_trend_chart_and_table(
    waves, client, enschede_contributor, django_capture_on_commit_callbacks
):
    """The PDF of "where do we stand" (made in the background) carries the same trend:
    the table's rows as on the page, and the chart drawn beside it."""
    from kennisschakel.monitor.pdfs import where_we_stand_html
    from tests.files.flow import ask_for_file, fetch_made_file
    from tests.monitor.test_reporting import pdf_text

    _earlier, current = waves
    client.force_login(enschede_contributor)
    job = ask_for_file(
        client, reverse("monitor:where-we-stand-pdf", args=[current.slug]), {},
        django_capture_on_commit_callbacks,
    )  # fmt: skip
    text = pdf_text(fetch_made_file(client, job))
    assert "Your answers over the waves" in text
    assert "your answer and the median of your size class" in text
    assert f"2020 987.5 45.0 6 {TODAY.year} 40.0 – (fewer than 5) –" in text
    assert (
        "Number of municipalities (n) 2020 Yes, adopted in the current council term 50% 6" in text
    )
    assert "Your municipality Median of" in text  # the chart's legend, drawn in the PDF
    html = where_we_stand_html(current.invitations.get(cbs_code=ENSCHEDE))
    section = html[html.index('id="trend-uren_op_papier"') :]
    assert section.index("<svg") < section.index("<table>")  # the chart, then its table
