"""The exchange ledger: logging, validation, permissions, confirmation and the balance."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from kennisschakel.core.party_sections import context_of
from kennisschakel.partnerships import balances, services
from kennisschakel.partnerships.models import ExchangeActivity, Partnership
from tests.knowledge.factories import PracticeFactory

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 5, 12)


def side(text, direction, hours=None):
    return services.SideInput(services.parse_party(text), direction, hours=hours)


def log(title="Werkbezoek", start=DAY, end=None, sides=None, organisation=None):
    return services.log_activity(
        {"title": title, "form": "werkbezoek", "start_date": start, "end_date": end},
        sides or [side("GM0153", "received", 16), side("place: Münster, DE", "gave", 8)],
        organisation=organisation,
    )


def test_one_activity_is_one_record_seen_from_both_sides():
    enschede = services.parse_party("GM0153").organisation
    before = balances.organisation_summary(enschede.pk)["balance"]
    count = ExchangeActivity.objects.count()
    activity = log()
    assert ExchangeActivity.objects.count() == count + 1
    assert activity.sides.count() == 2
    after = balances.organisation_summary(enschede.pk)["balance"]
    assert after.received_activities == before.received_activities + 1
    assert after.given_activities == before.given_activities
    assert after.received_hours == before.received_hours + 16
    assert after.activity_count == before.activity_count + 1


def test_balance_of_a_fresh_pair_is_hand_computed():
    """Two exchanges of ours between Weert and Zoetermeer, computed by hand."""
    weert = services.parse_party("GM0988").organisation
    # Only this test's exchanges count, whatever the demo data holds (rolled back after).
    ExchangeActivity.objects.filter(sides__organisation=weert).delete()
    log(sides=[side("GM0988", "gave", 10), side("GM0637", "received", 2)])
    log(
        start=DAY.replace(year=2024),
        sides=[side("GM0988", "mutual", 6), side("GM0637", "mutual", 6)],
    )
    summary = balances.organisation_summary(weert.pk)
    zoetermeer_key = f"org:{services.parse_party('GM0637').organisation.pk}"
    pair = summary["partners"][zoetermeer_key]
    # gave 1 + half of the mutual one; received the other half.
    assert (pair.given_activities, pair.received_activities) == (1.5, 0.5)
    assert (pair.given_hours, pair.received_hours) == (13.0, 3.0)
    assert pair.activity_index == 0.5  # (1.5 - 0.5) / (1.5 + 0.5)
    assert sorted(summary["trend"]) == [2024, 2025]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start": DAY, "end": DAY - datetime.timedelta(days=1)}, "einddatum ligt vóór"),
        ({"sides": [("GM0153", "gave", -3), ("GM0988", "received", 2)]}, "niet negatief"),
        ({"sides": [("GM0153", "gave", 1), ("GM0153", "received", 1)]}, "twee verschillende"),
    ],
)
def test_bad_activities_are_refused_and_nothing_is_saved(kwargs, message):
    from django.utils import translation

    if "sides" in kwargs:
        kwargs["sides"] = [side(*s) for s in kwargs["sides"]]
    with translation.override("nl"), pytest.raises(ValidationError) as error:
        log(**kwargs)
    assert message in " ".join(error.value.messages)
    assert not ExchangeActivity.objects.filter(title="Werkbezoek").exists()


def test_unknown_cbs_code_and_self_partnership():
    from django.utils import translation

    with translation.override("nl"):
        with pytest.raises(ValidationError, match="GM9999"):
            services.parse_party("GM9999")
        with pytest.raises(ValidationError, match="twee verschillende partners"):
            services.create_partnership(
                {"name": "Enschede met zichzelf", "kind": "stedenband"},
                [services.parse_party("GM0153"), services.parse_party("GM0153")],
            )
    assert not Partnership.objects.filter(name="Enschede met zichzelf").exists()


def _partnerships(response) -> dict:
    """The partnerships section of a municipality page (core/party_sections.py)."""
    return context_of(response.context["sections"], "partnerships")


def test_site_form_logs_activity_and_balance_changes(client, enschede_contributor):
    client.force_login(enschede_contributor)
    municipality_url = reverse("register:municipality-detail", args=["GM0153"])
    before = _partnerships(client.get(municipality_url))["balance"].given_activities
    response = client.post(
        reverse("partnerships:activity-create"),
        {
            "form": "detachering",
            "title": "Detachering van een beleidsmedewerker klimaat",
            "start_date": "2025-03-01",
            "end_date": "2025-03-31",
            "other_party": "GM0988",
            "own_direction": "gave",
            "own_hours": "120",
            "other_direction": "received",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "Er zijn geen leerdoelen vastgelegd" in response.content.decode()
    after = _partnerships(client.get(municipality_url))["balance"].given_activities
    assert after == before + 1


def test_form_keeps_input_and_explains_errors(client, enschede_contributor):
    client.force_login(enschede_contributor)
    response = client.post(
        reverse("partnerships:activity-create"),
        {
            "form": "werkbezoek",
            "title": "Mijn bezoek",
            "start_date": "2025-03-10",
            "end_date": "2025-03-01",
            "other_party": "GM9999",
            "own_direction": "gave",
            "own_hours": "-2",
            "other_direction": "received",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "GM9999" in body and "geen CBS-code" in body
    assert "Mijn bezoek" in body
    assert not ExchangeActivity.objects.filter(title="Mijn bezoek").exists()


def test_only_the_other_side_confirms(client, enschede_contributor, weert_contributor, make_user):
    activity = log(
        sides=[side("GM0153", "gave", 4), side("GM0988", "received", 4)],
        organisation=enschede_contributor.organisation,
    )
    url = activity.get_absolute_url()
    client.force_login(enschede_contributor)  # the side that logged it
    assert client.post(url, {"agree": "yes"}).status_code == 403
    outsider = make_user("contributor", "GM0637", email="x@zoetermeer.example")
    client.force_login(outsider)
    assert client.post(url, {"agree": "yes"}).status_code == 403
    client.force_login(weert_contributor)
    client.post(url, {"agree": "no", "note": "Wij waren er niet bij."})
    activity.refresh_from_db()
    assert activity.confirmation == "disputed"
    # A disputed activity does not count in the balance.
    weert = weert_contributor.organisation
    assert balances.organisation_summary(weert.pk)["balance"].received_activities == 0


def test_api_cannot_log_an_activity_without_own_organisation(enschede_contributor):
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=enschede_contributor)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    payload = {
        "form": "werkbezoek",
        "title": "Weert bezoekt Bree",
        "start_date": "2025-01-10",
        "sides": [
            {"party": "GM0988", "direction": "gave"},
            {"party": "GM0637", "direction": "received"},
        ],
    }
    response = client.post("/api/v1/activities", payload, format="json")
    assert response.status_code == 400  # Enschede took no part in Weert–Zoetermeer
    assert "eigen organisatie" in str(response.json()["invalid_params"])
    assert response["Content-Type"] == "application/problem+json"
    payload["sides"][0]["party"] = "GM0153"
    payload["sides"][1]["party"] = "GM0988"
    payload.update(outcome_level="breder-netwerk", embedded=True, disseminated="extern")
    ok = client.post("/api/v1/activities", payload, format="json")
    assert ok.status_code == 201, ok.json()
    assert (ok.json()["outcome_level"], ok.json()["embedded"]) == ("breder-netwerk", True)
    bad = client.post("/api/v1/activities", {**payload, "outcome_level": "heelal"}, format="json")
    assert bad.status_code == 400
    balance = client.get("/api/v1/reciprocity/GM0153").json()
    assert balance["balance"]["given_activities"] >= 1


def test_outcomes_are_recorded_with_level_embedding_and_practices(client, enschede_contributor):
    practice = PracticeFactory(cbs_code="GM0988")
    client.force_login(enschede_contributor)
    response = client.post(
        reverse("partnerships:activity-create"),
        {
            "form": "collega-uitwisseling",
            "title": "Collega's van Weert leggen uit hoe hun loket werkt",
            "start_date": "2025-06-02",
            "other_party": "GM0988",
            "own_direction": "received",
            "other_direction": "gave",
            "learning_goals": "Begrijpen hoe één loket de wachttijd verkort.",
            "outcomes": "Wij passen de intake aan.",
            "outcome_level": "afdeling",
            "outcome_side": "eigen",
            "embedded": "true",
            "disseminated": "intern",
            "practices": [practice.pk],
        },
    )
    assert response.status_code == 302
    activity = ExchangeActivity.objects.get(title__startswith="Collega's van Weert")
    assert (activity.outcome_level, activity.outcome_side, activity.embedded) == (
        "afdeling",
        "eigen",
        True,
    )
    assert activity.disseminated == "intern"
    assert list(activity.practices.all()) == [practice]
    page = client.get(activity.get_absolute_url()).content.decode()
    assert "Wij passen de intake aan." in page and practice.title in page
