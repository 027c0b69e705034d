"""Results of a wave: the numbers, suppression, the printed figures, who sees what, PDFs."""

import datetime
import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from kennisschakel.engines import survey
from kennisschakel.monitor import charts, published, reporting, services
from kennisschakel.monitor.instruments import load_instruments
from kennisschakel.monitor.models import Instrument, Wave
from kennisschakel.register.models import SizeScheme
from tests.files.flow import ask_for_file, fetch_made_file

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()

SMALL = "gib2009-10k-20k"  # 4 respondents: suppressed
MIDDLE = "gib2009-20k-50k"  # 8 respondents
LARGE = "gib2009-100k-plus"  # 6 respondents, Enschede among them
FIVE = "gib2009-50k-100k"  # 5 respondents, Weert among them (complementary suppression)
SECRET = "Onze geheime stedenband met Zanzibar"


@pytest.fixture(autouse=True)
def english(client, settings):
    """Pages in English: the msgids, whatever the Dutch catalogue holds."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def instrument(db):
    if not Instrument.objects.filter(slug="gib").exists():
        load_instruments()
    return Instrument.objects.get(slug="gib")


def make_wave(instrument, slug="gib-rapport", **overrides):
    """Closed by its dates unless ``overrides`` move them."""
    values = {
        "slug": slug,
        "instrument": instrument,
        "title": "Monitor internationaal beleid (rapport)",
        "period": str(TODAY.year),
        "reference_date": datetime.date(TODAY.year, 1, 1),
        "size_scheme": SizeScheme.objects.get(slug="gib2009"),
        "opens_on": TODAY - datetime.timedelta(days=30),
        "closes_on": TODAY - datetime.timedelta(days=1),
    }
    values.update(overrides)
    return services.create_wave(values)


def submit(invitation, **answers):
    invitation.answers = {"heeft_beleid": "ja", **answers}
    invitation.submitted_at = timezone.now()
    invitation.save()


def pick(wave, size_class, count, first=()):
    """``count`` invitations of a class, those with the CBS codes in ``first`` first."""
    chosen = list(wave.invitations.filter(cbs_code__in=first, size_class=size_class))
    rest = wave.invitations.filter(size_class=size_class).exclude(cbs_code__in=first)
    chosen += list(rest.order_by("cbs_code")[: count - len(chosen)])
    assert len(chosen) == count, size_class
    return chosen


@pytest.fixture
def wave(instrument):
    """23 respondents; hand-computed figures in the tests below."""
    wave = make_wave(instrument)
    # SMALL (4): all "nee"; hours 700, 800, 900, 700 (mean 775: must never be shown).
    for invitation, hours in zip(pick(wave, SMALL, 4), [700, 800, 900, 700], strict=True):
        submit(invitation, nota_beleid="nee", uren_op_papier=hours)
    # MIDDLE (8): 2 current term, 3 previous term, 3 no; hours 10 each.
    for invitation, answer in zip(
        pick(wave, MIDDLE, 8),
        ["ja_huidige_periode"] * 2 + ["ja_voorgaande_periode"] * 3 + ["nee"] * 3,
        strict=True,
    ):
        submit(invitation, nota_beleid=answer, uren_op_papier=10)
    # LARGE (6): Enschede first; 3 current term, 3 no; hours 40 each.
    for index, invitation in enumerate(pick(wave, LARGE, 6, first=["GM0153"])):
        answer = "ja_huidige_periode" if index < 3 else "nee"
        extra = {"raad_onderwerp_1": SECRET} if invitation.cbs_code == "GM0153" else {}
        submit(invitation, nota_beleid=answer, uren_op_papier=40, **extra)
    # FIVE (5): Weert first; all "nee", hours 20.
    for invitation in pick(wave, FIVE, 5, first=["GM0988"]):
        submit(invitation, nota_beleid="nee", uren_op_papier=20)
    return wave


def table_by_id(tables, table_id):
    return next(table for table in tables if table.id == table_id)


def pdf_text(content: bytes) -> str:
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


# --------------------------------------------------------------------------- published figures


def test_published_tables_are_bundled_with_number_and_base():
    tables = published.published_tables()
    assert len(tables) == 35
    table = published.table("vng2009.table_3_3")
    assert table.number == "3.3" and table.source == "004" and table.year == "2009"
    assert table.row("ja_huidige_raadsperiode").values["gib2009-100k-plus"] == 42
    assert published.table("rathenau2021.table_1").base["total"] == 101
    assert {t.id for t in published.tables_for("kennisbeleid")} == {
        t.id for t in tables.values() if t.id.startswith("rathenau2021.")
    }
    # Earlier waves printed as extra rows are recognised as such.
    active = published.table("vng2009.table_3_1")
    assert [row.code for row in active.current_rows] == ["actief"]
    assert active.row("actief_2005").wave == "2005"
    assert published.published_tables() is tables  # loaded once


# --------------------------------------------------------------------------- the numbers


def test_adapter_feeds_the_engine(wave):
    groups = reporting.groups_of(wave)
    assert [group.code for group in groups][:2] == ["gib2009-0-10k", SMALL]
    population = reporting.population_of(wave)
    assert sum(population.values()) == wave.invitations.exclude(size_class="").count()
    respondents = reporting.respondents_of(wave)
    assert len(respondents) == 23
    enschede = next(r for r in respondents if r.key == "GM0153")
    assert enschede.group == LARGE and enschede.answers["nota_beleid"] == "ja_huidige_periode"


def test_report_numbers_match_hand_computation(wave):
    tables = reporting.wave_report(wave)
    response = tables[0]
    assert response.kind == "response"
    assert response.value("respondents", survey.TOTAL) == 23
    assert response.value("respondents", SMALL) == 4  # response is not suppressed
    assert response.reproduces == ["vng2009.table_2_1"]

    nota = table_by_id(tables, "gib.nota_beleid")
    assert nota.reproduces == ["vng2009.table_3_3"]
    assert nota.base[MIDDLE] == 8 and nota.base[survey.TOTAL] == 23
    # 2/8 = 25%, 3/8 = 37.5% (printed 38: halves up), 3/8 = 37.5%.
    assert nota.value("ja_huidige_periode", MIDDLE) == 25.0
    assert survey.round_half_up(nota.value("ja_voorgaande_periode", MIDDLE)) == 38
    assert nota.value("ja_huidige_periode", LARGE) == 50.0
    # Total: 5/23 = 21.7% -> 22, 3/23 = 13.0% -> 13, 15/23 = 65.2% -> 65.
    total = {row.code: survey.round_half_up(row.values[survey.TOTAL]) for row in nota.rows}
    assert total == {"ja_huidige_periode": 22, "ja_voorgaande_periode": 13, "nee": 65}
    # SMALL is suppressed; FIVE (the smallest remaining) goes too, or the total would
    # give SMALL away.
    assert nota.suppressed == {"gib2009-0-10k", SMALL, FIVE}
    assert nota.value("nee", SMALL) is None and nota.base[SMALL] is None

    hours = table_by_id(tables, "gib.uren_op_papier")
    # (4 × 775 + 8 × 10 + 6 × 40 + 5 × 20) / 23 = 3520 / 23 = 153.04
    assert hours.value("mean", survey.TOTAL) == pytest.approx(3520 / 23)
    assert hours.value("mean", MIDDLE) == 10 and hours.value("mean", SMALL) is None


def test_report_json_is_rounded_serialisable_and_suppressed(wave):
    data = reporting.report_json(wave)
    assert data["wave"] == wave.slug and data["instrument"] == "gib" and data["min_cell"] == 5
    text = json.dumps(data)
    nota = next(t for t in data["tables"] if t["id"] == "gib.nota_beleid")
    assert nota["reproduces"] == ["vng2009.table_3_3"]
    values = {row["code"]: row["values"] for row in nota["rows"]}
    assert values["ja_voorgaande_periode"][MIDDLE] == 38  # printed rounding
    assert values["nee"][SMALL] is None and nota["base"][SMALL] is None
    assert SMALL in nota["suppressed"]
    hours = next(t for t in data["tables"] if t["id"] == "gib.uren_op_papier")
    assert all(row["values"][SMALL] is None for row in hours["rows"])
    assert "775" not in text
    assert SECRET not in text and "GM0153" not in text


def test_min_cell_is_configurable(instrument):
    wave = make_wave(instrument, slug="gib-drempel", min_cell=3)
    for invitation in pick(wave, SMALL, 3):
        submit(invitation, nota_beleid="nee")
    for invitation in pick(wave, MIDDLE, 3):
        submit(invitation, nota_beleid="ja_huidige_periode")
    nota = table_by_id(reporting.wave_report(wave), "gib.nota_beleid")
    assert nota.value("nee", SMALL) == 100.0 and nota.value("nee", survey.TOTAL) == 50.0


# --------------------------------------------------------------------------- printed figures


def test_comparison_with_published_figures(wave):
    comparisons = reporting.compare_with_published(wave)
    nota = next(c for c in comparisons if c["printed"]["id"] == "vng2009.table_3_3")
    assert nota["table"] == "gib.nota_beleid" and nota["printed"]["number"] == "3.3"
    row = next(r for r in nota["rows"] if r["code"] == "ja_huidige_periode")
    cells = {cell["column"]: cell for cell in row["cells"]}
    # The instrument's code differs from the printed one; the row is still matched.
    assert row["printed_label"] == "Ja, vastgesteld in huidige raadsperiode"
    assert cells[LARGE]["wave"] == 50 and cells[LARGE]["printed"] == 42
    assert cells[survey.TOTAL]["wave"] == 22 and cells[survey.TOTAL]["printed"] == 22
    assert cells[SMALL]["wave"] is None and cells[SMALL]["printed"] == 13
    # Earlier waves where the printed table has them: table 3.1, 1999 and 2005.
    active = next(c for c in comparisons if c["printed"]["id"] == "vng2009.table_3_1")
    assert {e["wave"] for e in active["earlier"]} == {"1999", "2005"}
    yes = active["rows"][0]
    assert yes["code"] == "ja" and yes["cells"][-1]["wave"] == 100
    # Response table against printed table 2.1.
    response = next(c for c in comparisons if c["printed"]["id"] == "vng2009.table_2_1")
    respondents = next(r for r in response["rows"] if r["code"] == "respondents")
    assert {c["column"]: c["printed"] for c in respondents["cells"]}[survey.TOTAL] == 227


def test_report_page_shows_published_figures_beside_the_wave(wave, client):
    page = client.get(reverse("monitor:wave-report", args=[wave.slug])).content.decode()
    caption = page.index("Compared with the printed table 3.3 (VNG")
    section = page[caption : page.index("</table>", caption)]
    match = re.search(r"Yes, adopted in the current council term</th>(.*?)</tr>", section)
    cells = re.findall(r'<td class="number">([^<]*)</td>', match.group(1))
    # Columns in order: per size class this wave / printed; LARGE is the fifth class.
    assert cells[8:10] == ["50%", "42%"]


# --------------------------------------------------------------------------- suppression on pages


def test_suppressed_figures_appear_nowhere(
    wave, client, facilitator, django_capture_on_commit_callbacks
):
    url = reverse("monitor:wave-report", args=[wave.slug])
    page = client.get(url).content.decode()
    assert "775,0" not in page and "775.0" not in page
    assert SECRET not in page
    # Charts come as images of their own; every one of them hides the small class too.
    chart_urls = re.findall(r'<img src="([^"]+\.svg)"', page)
    assert chart_urls
    svgs = [client.get(chart).content.decode() for chart in chart_urls]
    assert any("fewer than 5 respondents" in svg for svg in svgs)  # the note in the gap
    assert all("<title" in svg and 'role="img"' in svg for svg in svgs)
    assert not any("775" in svg or SECRET in svg for svg in svgs)
    json_export = client.get(url, {"format": "json"})
    assert json_export.status_code == 200 and "775" not in json_export.content.decode()
    job = ask_for_file(
        client, reverse("monitor:wave-report-pdf", args=[wave.slug]), {},
        django_capture_on_commit_callbacks,
    )  # fmt: skip
    text = pdf_text(fetch_made_file(client, job))
    assert "3.3" in text and "775" not in text and SECRET not in text


def test_chart_marks_suppressed_columns_and_has_a_title(wave):
    nota = table_by_id(reporting.wave_report(wave), "gib.nota_beleid")
    svg = charts.table_chart_svg(
        nota, {SMALL: "10.000 tot 20.000"}, 5, title="Nota <GIB>", note="fewer than {n} respondents"
    )
    assert svg.startswith("<svg") and "<title" in svg and "Nota &lt;GIB&gt;" in svg
    assert svg.count("fewer than 5 respondents") == len(nota.suppressed)
    ids = re.findall(r'\bid="([^"]+)"', svg)
    assert len(ids) == len(set(ids))


def test_pdf_chart_references_become_the_charts_drawn_here(wave):
    """The PDF's HTML names each chart; the rendering process draws the same picture."""
    tables = [t for t in reporting.wave_report(wave) if charts.has_chart(t)][:3]
    keys = [charts.table_chart_key(t, {}, 5, title=t.id) for t in tables]
    html = "".join(f'<img src="{charts.chart_reference(key)}">' for key in keys)
    drawn = charts.draw_referenced_charts(html)
    pictures = re.findall(r'src="([^"]+)"', drawn)
    assert pictures == [charts.png_of_key(key) for key in keys]
    assert all(p.startswith("data:image/png;base64,") for p in pictures)
    assert len(set(pictures)) == 3 and charts.chart_reference("") == ""


# --------------------------------------------------------------------------- who sees what


def test_report_before_close_only_for_facilitators(
    instrument, client, enschede_contributor, facilitator
):
    wave = make_wave(
        instrument,
        slug="gib-open",
        closes_on=TODAY + datetime.timedelta(days=5),
    )
    url = reverse("monitor:wave-report", args=[wave.slug])
    assert client.get(url).status_code == 403
    client.force_login(enschede_contributor)
    assert client.get(url).status_code == 403
    assert client.post(reverse("monitor:wave-report-pdf", args=[wave.slug])).status_code == 403
    client.force_login(facilitator)
    response = client.get(url)
    assert response.status_code == 200 and "has not closed yet" in response.content.decode()


def test_where_we_stand_for_own_municipality(wave, client, enschede_contributor):
    client.force_login(enschede_contributor)
    response = client.get(reverse("monitor:where-we-stand", args=[wave.slug]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enschede" in page and SECRET in page  # its own answer
    # Own option: 50% of its size class, 22% of all municipalities, printed 42% and 22%.
    section = page[page.index('id="bm-nota_beleid"') :]
    section = section[: section.index("</table>")]
    row = re.search(r"Yes, adopted in the current council term <strong>.*?</tr>", section).group(0)
    assert re.findall(r'<td class="number">([^<]*)</td>', row)[:4] == ["50%", "22%", "42%", "22%"]


def test_where_we_stand_data(wave):
    enschede = wave.invitations.get(cbs_code="GM0153")
    items = {item["code"]: item for item in reporting.benchmark_for(enschede)}
    nota = items["nota_beleid"]
    assert nota["own"]["labels_nl"] == ["Ja, vastgesteld in huidige raadsperiode"]
    assert nota["figure"] == {"size_class": 50, "country": 22}
    assert nota["base"] == {"size_class": 6, "country": 23}
    printed = nota["published"][0]
    assert printed["id"] == "vng2009.table_3_3" and printed["number"] == "3.3"
    own_row = next(row for row in nota["rows"] if row["own"])
    assert own_row["published"][0]["size_class"] == 42
    hours = items["uren_op_papier"]
    assert hours["own"]["value"] == 40 and hours["figure"] == {"size_class": 40, "country": 153}
    assert hours["rows"][0]["published"][0]["size_class"] == 139
    # Earlier waves of the printed table (3.1: 1999, 2005) beside the answer "ja".
    active = items["heeft_beleid"]["rows"][0]["published"][0]
    assert {e["wave"]: e["size_class"] for e in active["earlier"]} == {"1999": 100, "2005": 100}
    # Not asked (routing): no entry.
    assert "redenen_geen_beleid" not in items


def test_suppressed_class_in_where_we_stand(wave, client, django_capture_on_commit_callbacks):
    small = wave.invitations.filter(size_class=SMALL, submitted_at__isnull=False).first()
    items = {item["code"]: item for item in reporting.benchmark_for(small)}
    hours = items["uren_op_papier"]
    assert hours["figure"]["size_class"] is None and hours["suppressed"]["size_class"]
    assert "size_class_suppressed" in hours["notes"] and hours["base"]["size_class"] is None
    # The code holder of the session sees it; the class mean (775) appears nowhere.
    session = client.session
    session[f"monitor:{wave.pk}"] = small.pk
    session.save()
    page = client.get(reverse("monitor:where-we-stand", args=[wave.slug])).content.decode()
    assert "No figure is shown for your size class" in page
    assert "775" not in page
    job = ask_for_file(
        client, reverse("monitor:where-we-stand-pdf", args=[wave.slug]), {},
        django_capture_on_commit_callbacks,
    )  # fmt: skip
    text = pdf_text(fetch_made_file(client, job))
    assert small.name in text and "775" not in text


def test_nobody_sees_another_municipalitys_answers(wave, client, weert_contributor, facilitator):
    url = reverse("monitor:where-we-stand", args=[wave.slug])
    client.force_login(weert_contributor)
    # Asking for Enschede changes nothing: Weert sees Weert.
    page = client.get(url, {"cbs_code": "GM0153"}).content.decode()
    assert "Weert" in page and "Enschede" not in page and SECRET not in page
    # Without an invitation of its own, Weert sees nothing at all.
    wave.invitations.filter(cbs_code="GM0988").delete()
    assert client.get(url, {"cbs_code": "GM0153"}).status_code == 403
    assert client.post(reverse("monitor:where-we-stand-pdf", args=[wave.slug])).status_code == 403
    # Facilitators run waves but see no municipality's answers.
    client.force_login(facilitator)
    assert client.get(url).status_code == 403
    assert client.get(url, {"cbs_code": "GM0153"}).status_code == 403
    client.logout()
    assert client.get(url).status_code == 403


def test_session_of_another_wave_opens_nothing(wave, instrument, client):
    other = make_wave(instrument, slug="gib-ander")
    session = client.session
    session[f"monitor:{other.pk}"] = other.invitations.get(cbs_code="GM0153").pk
    session[f"monitor:{wave.pk}"] = other.invitations.get(cbs_code="GM0988").pk
    session.save()
    assert client.get(reverse("monitor:where-we-stand", args=[wave.slug])).status_code == 403


def test_where_we_stand_waits_for_the_close(instrument, client, enschede_contributor):
    closes = TODAY + datetime.timedelta(days=10)
    wave = make_wave(instrument, slug="gib-nog-open", closes_on=closes)
    submit(wave.invitations.get(cbs_code="GM0153"), nota_beleid="nee", raad_onderwerp_1=SECRET)
    client.force_login(enschede_contributor)
    response = client.get(reverse("monitor:where-we-stand", args=[wave.slug]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "closes on" in page and str(closes.year) in page and SECRET not in page


# --------------------------------------------------------------------------- queries


def test_report_queries_do_not_grow_with_respondents(instrument, client):
    counts = []
    for size in (20, 100):
        wave = make_wave(instrument, slug=f"gib-{size}")
        chosen = wave.invitations.exclude(size_class="").order_by("cbs_code")[:size]
        for index, invitation in enumerate(chosen):
            submit(invitation, nota_beleid=["nee", "ja_huidige_periode"][index % 2])
        url = reverse("monitor:wave-report", args=[wave.slug])
        client.get(url)  # instrument parsed once per process
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] and counts[1] <= 10


def test_construct_scores_beside_printed_means(client, enschede_contributor):
    if not Instrument.objects.filter(slug="kennisbeleid").exists():
        load_instruments()
    wave = make_wave(
        Instrument.objects.get(slug="kennisbeleid"),
        slug="kennis-rapport",
        size_scheme=SizeScheme.objects.get(slug="kennis2021"),
    )
    items = ["km_kennis_uitvoering_gebruiken", "km_vakkennis_bijhouden"]
    items += ["km_vakkennis_werven", "km_expertise_inzetten"]
    large = pick(wave, "kennis2021-100k-plus", 6, first=["GM0153"])
    for invitation in large:
        scores = [4, 4, 3, 3] if invitation.cbs_code == "GM0153" else [2, 2, None, None]
        invitation.answers = {k: v for k, v in zip(items, scores, strict=True) if v}
        invitation.submitted_at = timezone.now()
        invitation.save()
    for invitation in pick(wave, "kennis2021-25k-50k", 5):
        invitation.answers = dict.fromkeys(items[:2], 3)
        invitation.submitted_at = timezone.now()
        invitation.save()
    enschede = next(i for i in large if i.cbs_code == "GM0153")
    entry = next(e for e in reporting.benchmark_for(enschede) if e["code"] == "c_kennismanagement")
    # Own score 3.5; class (3.5 + 5 × 2) / 6 = 2.25; all (13.5 + 15) / 11 = 2.5909 -> 2.59:
    # two decimals, as the printed Table 2 (its rounding, monitor/data/published).
    assert entry["subject"] == "construct" and entry["own"]["value"] == 3.5
    assert entry["figure"] == {"size_class": 2.25, "country": 2.59}
    printed = entry["rows"][0]["published"][0]
    assert printed["table"] == "rathenau2021.table_2"
    assert printed["size_class"] == 2.31 and printed["total"] == 2.31
    assert entry["published"][0]["base_size_class"] == 21
    client.force_login(enschede_contributor)
    page = client.get(reverse("monitor:where-we-stand", args=[wave.slug])).content.decode()
    section = page[page.index('id="bm-c_kennismanagement"') :]
    assert "3.5" in section[:2000] and "2.31" in section[:4000]


def test_waves_of_one_instrument_are_compared(wave, instrument, client):
    """An earlier closed wave: its total figures stand beside this wave's, by period."""
    earlier = make_wave(
        instrument,
        slug="gib-vorig",
        period="2020",
        reference_date=datetime.date(2020, 1, 1),
    )
    invitations = list(earlier.invitations.filter(municipality__isnull=False).order_by("cbs_code"))
    for invitation in invitations[:6]:
        submit(invitation, nota_beleid="ja_huidige_periode")
    for invitation in invitations[6:8]:
        submit(invitation, nota_beleid="nee")
    tables = reporting.trend_report(wave)
    nota = table_by_id(tables, "gib.nota_beleid.by_wave")
    assert nota.columns == ["2020", str(TODAY.year)]
    current = nota.row("ja_huidige_periode").values
    assert current["2020"] == pytest.approx(75.0)  # 6 of 8
    assert current[str(TODAY.year)] == pytest.approx(100 * 5 / 23)
    assert reporting.trend_report(earlier) == []  # nothing closed before it
    page = client.get(reverse("monitor:wave-report", args=[wave.slug])).content.decode()
    assert "Over the waves" in page and "75%" in page


def test_suppressed_figures_never_leak_through_the_api(wave):
    from rest_framework.test import APIClient

    body = APIClient().get(f"/api/v1/waves/{wave.slug}/report")
    assert body.status_code == 200
    text = body.content.decode()
    assert "775" not in text and SECRET not in text
    hours = next(t for t in body.json()["tables"] if t["id"] == "gib.uren_op_papier")
    assert SMALL in hours["suppressed"]
    # the raw answers are not in the API for anyone without the municipality's code
    assert "answers" not in APIClient().get(f"/api/v1/waves/{wave.slug}").json()


# --------------------------------------------------------------------------- report cache


def _answer_reads(queries) -> int:
    """Queries that read the answers themselves (the report's heavy part)."""
    return sum(
        1 for q in queries.captured_queries if '"answers"' in q["sql"] and "SELECT" in q["sql"]
    )


def test_report_is_computed_once_until_its_answers_change(wave, instrument, client):
    url = reverse("monitor:wave-report", args=[wave.slug])
    json_url = url + "?format=json"
    first = client.get(json_url).json()
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
        again = client.get(json_url).json()
    assert page.status_code == 200 and again == first
    assert _answer_reads(queries) == 0  # both from the cached computation

    # A new submission (form or import: both move submitted_at / saved_at) shows at once.
    before = table_by_id(reporting.wave_report(wave), "gib.heeft_beleid").base
    newcomer = wave.invitations.filter(submitted_at__isnull=True, size_class=MIDDLE).first()
    submit(newcomer, nota_beleid="nee", uren_op_papier=10)
    with CaptureQueriesContext(connection) as queries:
        changed = client.get(json_url).json()
    assert _answer_reads(queries) >= 1
    base = next(t for t in changed["tables"] if t["id"] == "gib.heeft_beleid")["base"]
    assert base[MIDDLE] == before[MIDDLE] + 1

    # So does a wave that closes behind an earlier one: the trend gains a column.
    earlier = make_wave(
        instrument, slug="gib-eerder", period="2019", reference_date=datetime.date(2019, 1, 1),
        closes_on=TODAY + datetime.timedelta(days=5),  # still open by its dates
    )  # fmt: skip
    for invitation in earlier.invitations.exclude(size_class="").order_by("cbs_code")[:6]:
        submit(invitation, nota_beleid="nee")
    assert "2019" not in client.get(url).content.decode()
    services.close_wave(earlier)
    assert "2019" in client.get(url).content.decode()


def test_report_cache_follows_a_min_cell_change(wave, client):
    url = reverse("monitor:wave-report", args=[wave.slug]) + "?format=json"
    tables = client.get(url).json()["tables"]
    heeft = next(t for t in tables if t["id"] == "gib.heeft_beleid")
    assert MIDDLE not in heeft["suppressed"]
    Wave.objects.filter(pk=wave.pk).update(min_cell=9)  # MIDDLE has 8 respondents
    tables = client.get(url).json()["tables"]
    heeft = next(t for t in tables if t["id"] == "gib.heeft_beleid")
    assert MIDDLE in heeft["suppressed"]
