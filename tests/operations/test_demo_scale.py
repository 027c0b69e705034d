"""`kennisschakel demo-scale`: deterministic, marked synthetic, never mixed with real data."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from kennisschakel.knowledge.models import Practice
from kennisschakel.knowledge.rendering import plain_text
from kennisschakel.knowledge.search import analyse
from kennisschakel.knowledge.services import save_practice
from kennisschakel.monitor.models import Wave
from kennisschakel.operations.scale import markers
from kennisschakel.partnerships.models import ExchangeActivity, Partnership
from kennisschakel.register.models import Municipality, Organisation

TINY = {"practices": 40, "exchanges": 300, "waves": 1, "jobs": 1, "force": True, "no_index": True}


def generate(**extra):
    call_command("demo-scale", **TINY, **extra, stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_same_seed_and_counts_give_the_same_rows_and_all_are_marked(db):
    demo_practices = Practice.objects.count()
    generate()
    first_counts, first_sum = markers.counts(), markers.checksum()
    assert first_counts["practices"] == 40
    assert first_counts["exchange activities"] == 300
    assert first_counts["activity sides"] >= 600
    assert first_counts["monitor waves"] == 1
    assert first_counts["invitations"] == Municipality.objects.count()  # a 2026 wave: the 342
    assert 0 < first_counts["submitted"] < first_counts["invitations"]

    generate(replace=True)
    assert markers.counts() == first_counts
    assert markers.checksum() == first_sum
    generate(replace=True, seed=7)
    assert markers.checksum() != first_sum

    synthetic = Practice.objects.filter(slug__startswith=markers.SLUG_PREFIX)
    assert Practice.objects.count() == demo_practices + 40
    for practice in synthetic:
        assert practice.title.startswith(markers.TITLE_PREFIX)
        assert markers.TAG in practice.tags
        assert practice.source == markers.SOURCE
    # Search terms are what save_practice stores for the same texts.
    sample = synthetic.order_by("slug").first()
    assert sample.search_terms and sample.search_terms == analyse(sample)
    if hasattr(sample, "body_text"):
        assert sample.body_text == plain_text(sample.body)
    for activity in ExchangeActivity.objects.filter(slug__startswith=markers.SLUG_PREFIX)[:50]:
        assert activity.title.startswith(markers.TITLE_PREFIX)
    assert all(
        p.name.startswith(markers.TITLE_PREFIX)
        for p in Partnership.objects.filter(slug__startswith=markers.SLUG_PREFIX)
    )
    assert Wave.objects.get(slug__startswith=markers.SLUG_PREFIX).title.startswith(
        markers.TITLE_PREFIX
    )
    assert Organisation.objects.filter(slug=markers.MARKER_ORGANISATION["slug"]).exists()


def test_purge_removes_the_synthetic_rows_and_nothing_else(db):
    before = (Practice.objects.count(), ExchangeActivity.objects.count(), Wave.objects.count())
    generate()
    call_command("demo-scale", purge=True, force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (Practice.objects.count(), ExchangeActivity.objects.count(), Wave.objects.count()) == (
        before
    )
    assert not markers.has_marker()


def test_a_second_run_without_replace_is_refused(db):
    generate()
    with pytest.raises(CommandError, match="--replace"):
        generate()


def test_refuses_a_database_with_real_content(db, make_user):
    owner = Municipality.objects.get(cbs_code="GM0988").organisation
    save_practice(
        Practice(title="Echte praktijk", summary="Door een gemeente ingevoerd.", owner=owner),
        None,
    )
    with pytest.raises(CommandError, match="1 practices"):
        generate()
    assert not Practice.objects.filter(slug__startswith=markers.SLUG_PREFIX).exists()
    assert not markers.has_marker()


def test_refuses_a_database_with_real_users(db, make_user):
    make_user(cbs_code="GM0988")
    with pytest.raises(CommandError, match="1 users"):
        generate()


@pytest.mark.skipif(
    connection.vendor == "postgresql", reason="the PostgreSQL-only rule is about other databases"
)
def test_refuses_other_databases_than_postgresql_without_force(db):
    with pytest.raises(CommandError, match="--force"):
        call_command("demo-scale", practices=1, exchanges=1, waves=0, jobs=1)
