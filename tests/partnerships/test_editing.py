"""Creating and changing partnerships, activities and memberships on the site."""

import datetime

import pytest
from django.urls import reverse

from kennisschakel.partnerships import services
from kennisschakel.partnerships.models import (
    ExchangeActivity,
    LearningScore,
    NetworkMembership,
    Partnership,
)
from kennisschakel.register.models import PolicyDomain
from tests.partnerships.factories import NetworkFactory

pytestmark = pytest.mark.django_db


def partnership_post(**overrides):
    data = {
        "name": "Enschede – Zwolle kennisband",
        "kind": "projectpartnerschap",
        "status": "actief",
        "start_year": "2024",
        "partners_text": "GM0153\nGM0193",
        "policy_fields": ["algemeen-bestuur"],
        "funding_programmes": ["Interreg"],
        "other_funding": "Provincie Overijssel; eigen middelen",
        "wgr_form": "regeling-zonder-meer",
        "phase": "initiatief-en-orientatie",
    }
    data.update(overrides)
    return data


def test_contributor_creates_a_partnership(client, enschede_contributor):
    client.force_login(enschede_contributor)
    response = client.post(reverse("partnerships:partnership-create"), partnership_post())
    partnership = Partnership.objects.get(name="Enschede – Zwolle kennisband")
    assert response.status_code == 302 and response.url == partnership.get_absolute_url()
    assert sorted(p.organisation.municipality.cbs_code for p in partnership.partners.all()) == [
        "GM0153",
        "GM0193",
    ]
    assert partnership.funding == ["Interreg", "Provincie Overijssel", "eigen middelen"]
    assert partnership.policy_fields == ["algemeen-bestuur"]
    page = client.get(partnership.get_absolute_url()).content.decode()
    assert "Regeling zonder meer" in page or "regeling zonder meer" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"start_year": "2024", "end_year": "2020"}, "Het eindjaar ligt vóór het beginjaar."),
        ({"partners_text": "GM0153\nGM0153"}, "minstens twee verschillende partners"),
        ({"partners_text": "GM0153\nGM9999"}, "GM9999"),
        ({"partners_text": "GM0193\nGM0988"}, "moet een van de partners zijn"),
        ({"status": "beeindigd"}, "waarom het partnerschap is beëindigd"),
    ],
)
def test_bad_partnership_input_is_explained_and_nothing_saved(
    client, enschede_contributor, overrides, message
):
    client.force_login(enschede_contributor)
    before = Partnership.objects.count()
    response = client.post(
        reverse("partnerships:partnership-create"), partnership_post(**overrides)
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert message in body, body[body.find("error-summary") :][:800]
    assert Partnership.objects.count() == before
    # What the user typed is still in the form.
    assert "Enschede – Zwolle kennisband" in body


def test_only_partners_edit_and_learning_scores_survive(
    client, enschede_contributor, weert_contributor
):
    partnership = services.create_partnership(
        {"name": "Proefband", "kind": "stedenband"},
        [services.parse_party("GM0153"), services.parse_party("place: Münster, DE")],
    )
    munster = partnership.partners.get(place__isnull=False)
    LearningScore.objects.create(partner=munster, year=2025, dimension="vertrouwen", score=4)
    url = reverse("partnerships:partnership-edit", args=[partnership.slug])

    client.force_login(weert_contributor)
    assert client.get(url).status_code == 403
    assert client.post(url, partnership_post(name="Overgenomen")).status_code == 403

    client.force_login(enschede_contributor)
    form_page = client.get(url).content.decode()
    assert "place: Münster, DE" in form_page  # partners shown as they are typed
    response = client.post(
        url,
        partnership_post(
            name="Proefband (vernieuwd)",
            kind="stedenband",
            partners_text="GM0153\nplace: Münster, DE\ncountry: DE",
        ),
    )
    assert response.status_code == 302
    partnership.refresh_from_db()
    assert partnership.name == "Proefband (vernieuwd)"
    assert partnership.partners.count() == 3
    assert LearningScore.objects.filter(partner=munster).exists()  # Münster's row was kept
    assert [r.slug for r in partnership.world_regions] == ["west-europa"]


def test_logging_side_edits_an_activity_and_confirmation_starts_again(
    client, enschede_contributor, weert_contributor
):
    enschede = services.parse_party("GM0153").organisation
    activity = services.log_activity(
        {
            "title": "Werkbezoek Weert",
            "form": "werkbezoek",
            "start_date": datetime.date(2025, 3, 1),
        },
        [
            services.SideInput(services.parse_party("GM0153"), "gave", hours=8),
            services.SideInput(services.parse_party("GM0988"), "received", hours=4),
        ],
        organisation=enschede,
    )
    services.confirm_activity(activity, True)
    url = reverse("partnerships:activity-edit", args=[activity.slug])

    client.force_login(weert_contributor)  # the other side confirms, it does not edit
    assert client.get(url).status_code == 403

    client.force_login(enschede_contributor)
    page = client.get(url).content.decode()
    # The other party by name, as a person types it (issue 13), not its CBS code.
    assert 'name="other_party" value="Weert"' in page and "Werkbezoek Weert" in page
    data = {
        "form": "werkbezoek",
        "title": "Werkbezoek Weert (twee dagen)",
        "start_date": "2025-03-01",
        "end_date": "2025-03-02",
        "other_party": "GM0988",
        "own_direction": "gave",
        "own_hours": "12",
        "other_direction": "received",
        "other_hours": "6",
        "learning_goals": "Leren hoe Weert de basiskaart bijhoudt",
    }
    assert client.post(url, {**data, "end_date": "2025-02-01"}).status_code == 400
    activity.refresh_from_db()
    assert activity.title == "Werkbezoek Weert"  # the failed edit wrote nothing
    response = client.post(url, data)
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.title == "Werkbezoek Weert (twee dagen)"
    assert activity.confirmation == ExchangeActivity.Confirmation.PENDING
    own = activity.sides.get(organisation=enschede)
    assert float(own.hours) == 12 and own.balance_date == datetime.date(2025, 3, 1)


def test_membership_of_own_organisation_only(client, enschede_contributor, weert_contributor):
    network = NetworkFactory()  # a network of its own: no demo memberships in it
    create = reverse("partnerships:membership-create")
    client.force_login(enschede_contributor)
    theme = PolicyDomain.objects.order_by("slug").first()
    response = client.post(
        create, {"network": network.pk, "role": "board", "since": "2020", "themes": [theme.pk]}
    )
    assert response.status_code == 302
    enschede = services.parse_party("GM0153").organisation
    membership = NetworkMembership.objects.get(network=network, member=enschede)
    assert membership.role == "board"
    assert list(membership.themes.all()) == [theme]
    again = client.post(create, {"network": network.pk, "role": "member"})
    assert again.status_code == 400 and "is al lid van" in again.content.decode()
    bad = client.post(
        create, {"network": network.pk, "role": "member", "since": "2020", "until": "2010"}
    )
    assert bad.status_code == 400

    edit = reverse("partnerships:membership-edit", args=[membership.pk])
    client.force_login(weert_contributor)
    assert client.post(edit, {"role": "chair"}).status_code == 403
    assert client.post(edit, {"delete": "1"}).status_code == 403

    client.force_login(enschede_contributor)
    assert client.post(edit, {"role": "chair", "since": "2020"}).status_code == 302
    membership.refresh_from_db()
    assert membership.role == "chair" and membership.network == network
    assert not membership.themes.exists()  # no box ticked on the changed form
    assert client.post(edit, {"delete": "1"}).status_code == 302
    assert not NetworkMembership.objects.filter(pk=membership.pk).exists()


def test_municipality_page_offers_editing_only_to_its_own_people(
    client, enschede_contributor, weert_contributor
):
    url = services.parse_party("GM0153").organisation.get_absolute_url()
    client.force_login(weert_contributor)
    assert reverse("partnerships:membership-create") not in client.get(url).content.decode()
    client.force_login(enschede_contributor)
    assert reverse("partnerships:membership-create") in client.get(url).content.decode()
