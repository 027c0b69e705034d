"""Issue 11: every change list of the Django admin (/beheer/) takes a fixed number of queries.

A column that shows a nullable foreign key (a country's world region, a user's
organisation) is not joined by Django on its own: without ``list_select_related`` each
row costs a query (the country list took 105 queries for its 100 rows;
benchmarks/every_page.py found it). The seeded reference data fills most lists with more
than 25 rows; users and revisions are added here, each pointing at a different object.
"""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kennisschakel.accounts.models import Role
from kennisschakel.knowledge.models import Practice, PracticeRevision
from kennisschakel.register.models import Municipality

pytestmark = pytest.mark.django_db

ROWS = 30
# Session, user, permissions, counts, the page and its filters: well under one per row.
MAX_QUERIES = 20
CHANGELISTS = sorted(
    f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
    for model in admin.site._registry
)


@pytest.fixture
def superuser_client(client, make_user):
    municipalities = Municipality.objects.select_related("organisation").order_by("cbs_code")
    users = [
        make_user(Role.CONTRIBUTOR, organisation=m.organisation) for m in municipalities[:ROWS]
    ]
    practices = Practice.objects.order_by("pk")[:ROWS]
    PracticeRevision.objects.bulk_create(
        PracticeRevision(practice=practice, user=user)
        for practice, user in zip(practices, users, strict=False)
    )
    admin_user = make_user(Role.FACILITATOR, email="admin@test.example")
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    return client


def test_the_rows_are_there_to_count():
    from kennisschakel.register.models import Country, PolicyDomain

    assert Country.objects.filter(world_region__isnull=False).count() > MAX_QUERIES
    assert PolicyDomain.objects.filter(parent__isnull=False).count() > MAX_QUERIES


@pytest.mark.parametrize("name", CHANGELISTS)
def test_change_list_queries_do_not_grow_with_its_rows(superuser_client, name):
    with CaptureQueriesContext(connection) as queries:
        response = superuser_client.get(reverse(name))
    assert response.status_code == 200
    assert len(queries) <= MAX_QUERIES, (
        f"{name}: {len(queries)} queries — a foreign key column without list_select_related?"
    )
