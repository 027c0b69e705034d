"""The register's HTML pages: filters, detail, language, and a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db
LIST_URL = reverse("register:municipality-list")


def rows(response):
    return [mun.cbs_code for mun, _classes in response.context["rows"]]


def test_list_shows_all_municipalities_paginated(client):
    response = client.get(LIST_URL)
    assert response.status_code == 200
    assert response.context["total"] == 342
    assert len(rows(response)) == 50
    assert "342 gemeenten" in response.content.decode()


def test_search_ignores_accents_and_finds_common_names(client):
    assert rows(client.get(LIST_URL, {"q": "sudwest"})) == ["GM1900"]
    assert rows(client.get(LIST_URL, {"q": "den bosch"})) == ["GM0796"]
    assert "GM0518" in rows(client.get(LIST_URL, {"q": "Haag"}))


def test_filter_by_province_size_class_and_grouping(client):
    limburg = rows(client.get(LIST_URL, {"province": "PV31"}))
    assert len(limburg) == 31
    assert rows(client.get(LIST_URL, {"province": "Limburg"})) == limburg
    big = client.get(LIST_URL, {"sizeClass": "gib2009-100k-plus"}).context["rows"]
    assert big and all(mun.inhabitants >= 100_000 for mun, _ in big)
    g4 = rows(client.get(LIST_URL, {"grouping": "g4", "ordering": "name"}))
    assert sorted(g4) == sorted(["GM0363", "GM0599", "GM0518", "GM0344"])
    combined = rows(client.get(LIST_URL, {"province": "PV23", "border": "DE"}))
    assert "GM0153" in combined and all(code for code in combined)


def test_sorting_by_inhabitants(client):
    response = client.get(LIST_URL, {"ordering": "-inhabitants"})
    first = [mun for mun, _ in response.context["rows"]][:3]
    assert first[0].cbs_code == "GM0363"  # Amsterdam
    assert first[0].inhabitants >= first[1].inhabitants >= first[2].inhabitants


def test_invalid_filter_value_is_explained(client):
    response = client.get(LIST_URL, {"province": "PV99"})
    assert response.status_code == 200
    assert "Selecteer een geldige keuze" in response.content.decode()


def test_list_page_query_count_does_not_grow_with_rows(client, django_assert_max_num_queries):
    with CaptureQueriesContext(connection) as small:
        client.get(LIST_URL, {"province": "PV24"})  # 6 rows
    with CaptureQueriesContext(connection) as large:
        client.get(LIST_URL)  # 50 rows: a full page
    assert len(large) <= len(small) + 1
    with django_assert_max_num_queries(12):
        client.get(LIST_URL)


def test_htmx_request_gets_only_the_results(client):
    response = client.get(LIST_URL, {"q": "Weert"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and "Weert" in body


def test_detail_page_by_cbs_code(client):
    response = client.get(reverse("register:municipality-detail", args=["GM0153"]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Gemeente Enschede" in body
    assert "Duitsland" in body  # border
    assert "Overijssel" in body


def test_detail_lists_former_municipalities(client):
    body = client.get(reverse("register:municipality-detail", args=["GM0014"])).content.decode()
    assert "Haren" in body and "Ten Boer" in body


def test_unknown_code_is_a_404_page_in_dutch(client):
    response = client.get(reverse("register:municipality-detail", args=["GM9999"]))
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.content.decode()


def test_site_in_english_after_switching_language(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": LIST_URL})
    assert response.status_code == 302
    body = client.get(LIST_URL).content.decode()
    assert '<html lang="en">' in body
    assert "342 municipalities" in body
    assert "Nederlands" in body  # the switch back


def test_organisations_and_groupings_and_places_pages(client):
    organisations = client.get(reverse("register:organisation-list"))
    listed = list(organisations.context["organisations"])
    assert "Platform31" in [o.name for o in listed]
    assert not [o for o in listed if o.type == "municipality"]  # those have their own list

    groupings = client.get(reverse("register:grouping-list"))
    assert groupings.status_code == 200
    g4 = next(g for g in groupings.context["groupings"] if g.slug == "g4")
    assert (g4.name, g4.member_count) == ("G4", 4)
    assert f"{LIST_URL}?grouping=g4" in groupings.content.decode()

    # A Dutch exonym finds the German city, first, and says which variant matched.
    found = client.get(reverse("register:place-search"), {"q": "Neurenberg"})
    first = found.context["results"][0]
    assert (first.name, first.country.iso2, first.matched_name) == ("Nuremberg", "DE", "Neurenberg")
    assert first.get_absolute_url() in found.content.decode()
    short = client.get(reverse("register:place-search"), {"q": "N"})
    assert "Typ minstens twee letters" in short.content.decode()
    assert short.context["results"] == []

    germany = client.get(reverse("register:country-detail", args=["de"]))
    assert germany.status_code == 200
    assert germany.context["country"].iso2 == "DE"
    places = list(germany.context["places"])
    assert places[0].name == "Berlin"
    assert all(p.country_id == germany.context["country"].pk for p in places)
    assert [p.population for p in places] == sorted((p.population for p in places), reverse=True)
    assert "Nuremberg" in germany.content.decode()


def test_organisation_list_query_count_is_constant(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        client.get(reverse("register:organisation-list"))
