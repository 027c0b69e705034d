"""The country balance page is cached per ledger generation and never shows stale figures."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kennisschakel.core.party_sections import context_of
from kennisschakel.partnerships import services
from kennisschakel.partnerships.models import ExchangeActivity
from kennisschakel.register.models import Municipality

SIDES_TABLE = "partnerships_activityside"


@pytest.fixture
def fresh_cache(committed_db):
    """Committed writes (as in production) and an empty cache before and after."""
    cache.clear()
    yield
    cache.clear()


def _page(client):
    """Exchanges per municipality as the page shows them (the HTML, not the context:
    the rendered rows are cached too)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("partnerships:balances"), {"from": "2000-01-01"})
    assert response.status_code == 200
    grouped = any(SIDES_TABLE in q["sql"] for q in queries.captured_queries)
    html = response.content.decode()
    counts = {}
    for municipality in Municipality.objects.filter(cbs_code__in=["GM0153", "GM0988"]):
        # The name may carry a "nog niet bevestigd" mark (pending exchanges) before </th>.
        found = re.search(
            re.escape(f">{municipality.name}</a>")
            + r'(?: <span class="tag">[^<]*</span>)?</th><td class="number">(\d+)</td>',
            html,
        )
        counts[municipality.cbs_code] = int(found.group(1)) if found else 0
    return counts, grouped


def _log(day=datetime.date(2024, 3, 1)):
    return services.log_activity(
        {"title": "Cache proef", "form": "bijeenkomst", "start_date": day},
        [
            services.SideInput(services.parse_party("GM0153"), "gave", hours=2),
            services.SideInput(services.parse_party("GM0988"), "received", hours=2),
        ],
        # As a municipality logs it: pending until the other side confirms.
        organisation=Municipality.objects.get(cbs_code="GM0153").organisation,
    )


def test_second_request_does_not_group_the_sides_again(client, fresh_cache):
    first, grouped = _page(client)
    assert grouped
    second, grouped = _page(client)
    assert not grouped
    assert second == first


def test_log_confirm_and_delete_show_at_once(client, fresh_cache):
    before, _grouped = _page(client)
    activity = _log()
    after_log, grouped = _page(client)
    assert grouped
    assert after_log.get("GM0153", 0) == before.get("GM0153", 0) + 1
    assert after_log.get("GM0988", 0) == before.get("GM0988", 0) + 1

    services.confirm_activity(activity, agree=False, note="klopt niet")  # disputed: not counted
    after_dispute, _grouped = _page(client)
    assert after_dispute.get("GM0153", 0) == before.get("GM0153", 0)

    services.confirm_activity(ExchangeActivity.objects.get(pk=activity.pk), agree=True)
    assert _page(client)[0].get("GM0153", 0) == before.get("GM0153", 0) + 1

    ExchangeActivity.objects.get(pk=activity.pk).delete()
    after_delete, _grouped = _page(client)
    assert after_delete.get("GM0153", 0) == before.get("GM0153", 0)


def test_another_process_change_makes_this_process_recompute(client, fresh_cache):
    """Two workers, each with its own local cache: the generation read carries the change."""
    worker_a = override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                            "LOCATION": "worker-a"}}
    )  # fmt: skip
    worker_b = override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                            "LOCATION": "worker-b"}}
    )  # fmt: skip
    with worker_a:
        before, _grouped = _page(client)
        assert not _page(client)[1]  # worker A now serves from its cache
    with worker_b:
        _log()
    with worker_a:
        after, grouped = _page(client)
        assert grouped  # the generation moved: worker A's cached figures are not used
        assert after.get("GM0153", 0) == before.get("GM0153", 0) + 1
        cache.clear()
    with worker_b:
        cache.clear()


def test_own_uncommitted_write_is_not_cached(client, db):
    """Inside a transaction that changed the ledger, figures are computed, not stored:
    a rollback would hand the same generation number to someone else's change."""
    cache.clear()
    _log()
    _counts, grouped = _page(client)
    assert grouped
    assert _page(client)[1]  # still computed: nothing was cached under the open number


def _municipality_page(client, cbs_code="GM0153"):
    """The municipality's exchange count as its page shows it, and whether the sides were read."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("register:municipality-detail", args=[cbs_code]))
    assert response.status_code == 200
    grouped = any(SIDES_TABLE in q["sql"] for q in queries.captured_queries)
    found = re.search(r"(?:Exchanges|Uitwisselingen): (\d+);", response.content.decode())
    return (int(found.group(1)) if found else 0), grouped


def test_municipality_page_reuses_its_summary_until_the_ledger_changes(client, fresh_cache):
    before, grouped = _municipality_page(client)
    assert grouped
    again, grouped = _municipality_page(client)
    assert (again, grouped) == (before, False)
    activity = _log()
    after, grouped = _municipality_page(client)
    assert grouped and after == before + 1
    ExchangeActivity.objects.get(pk=activity.pk).delete()
    assert _municipality_page(client)[0] == before


def _partnerships(response) -> dict:
    """The partnerships section of a municipality page (core/party_sections.py)."""
    return context_of(response.context["sections"], "partnerships")


def test_municipality_page_does_not_load_the_partners_of_its_partnerships(client, db):
    """The section names the partnerships only: one query on the partner table (the list
    itself), no prefetch of every partner of every partnership."""
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("register:municipality-detail", args=["GM0153"]))
    assert response.status_code == 200
    assert _partnerships(response)["partnerships"]  # the list is there
    partner_queries = [
        q["sql"] for q in queries.captured_queries if "partnerships_partnershippartner" in q["sql"]
    ]
    assert len(partner_queries) == 1, partner_queries


def test_party_labels_name_places_as_the_model_does(db):
    from kennisschakel.partnerships.balances import party_labels
    from kennisschakel.register.models import ForeignPlace

    places = list(ForeignPlace.objects.select_related("country")[:3])
    assert places
    labels = party_labels([f"place:{p.pk}" for p in places])
    assert labels == {f"place:{p.pk}": str(p) for p in places}


def test_partner_table_is_bounded_with_a_link_to_all(client, db, monkeypatch):
    from kennisschakel.partnerships import sections

    cache.clear()
    for _ in range(4):  # GM0988 now has most exchanges with GM0153 (Münster has 3, dated)
        _log()
    services.log_activity(
        {"title": "Cache proef 2", "form": "bijeenkomst", "start_date": datetime.date(2024, 4, 1)},
        [
            services.SideInput(services.parse_party("GM0153"), "gave", hours=1),
            services.SideInput(services.parse_party("GM0193"), "received", hours=1),
        ],
    )
    monkeypatch.setattr(sections, "PARTNER_ROWS", 1)
    url = reverse("register:municipality-detail", args=["GM0153"])
    section = _partnerships(client.get(url))
    assert section["partner_count"] >= 2
    assert [label for label, _b in section["partner_balances"]] == [
        str(Municipality.objects.get(cbs_code="GM0988").organisation)
    ]
    assert b"?partners=all#partner-balances" in client.get(url).content
    everything = client.get(url, {"partners": "all"})
    assert len(_partnerships(everything)["partner_balances"]) == section["partner_count"]
    assert b"?partners=all#partner-balances" not in everything.content


def _country_count(client, iso2: str) -> tuple[int, bool]:
    """The count the partnerships list shows beside a country, and whether it was counted."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("partnerships:partnership-list"))
    assert response.status_code == 200
    counted = any(
        "COUNT(DISTINCT" in q["sql"] and "partnerships_partnershippartner" in q["sql"]
        for q in queries.captured_queries
    )
    found = re.search(
        rf'href="\?country={iso2}"[^>]*>[^<]+</a> <span class="muted">\((\d+)\)</span>',
        response.content.decode(),
    )
    return (int(found.group(1)) if found else 0), counted


def test_partnerships_per_country_are_counted_once_until_a_partnership_changes(client, fresh_cache):
    before, counted = _country_count(client, "NA")
    assert counted
    assert _country_count(client, "NA") == (before, False)  # from the cache

    partnership = services.create_partnership(
        {"name": "Cache proef – Windhoek", "kind": "stedenband"},
        [services.parse_party("GM0153"), services.parse_party("country: NA")],
    )
    assert _country_count(client, "NA") == (before + 1, True)
    partnership.partners.filter(country__iso2="NA").delete()  # one partner goes
    assert _country_count(client, "NA")[0] == before
