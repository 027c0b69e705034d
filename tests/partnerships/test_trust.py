"""Who may write what in partnerships, and edits that never overwrite each other silently.

Issue 10: C13 (own side of the learning self-assessment only), C15 (log an exchange only
under your own partnership), C16 (a partner named by another is *proposed* until it
confirms) and A5 (optimistic concurrency on the activity and partnership forms and API).
"""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from rest_framework.test import APIClient

from kennisschakel.accounts.models import Role
from kennisschakel.core.permissions import can_edit
from kennisschakel.core.versioning import VersionConflict
from kennisschakel.partnerships import services
from kennisschakel.partnerships.models import (
    ExchangeActivity,
    LearningDimension,
    LearningScore,
    Partnership,
    PartnershipPartner,
)
from tests.accounts.factories import api_client
from tests.concurrency import errors, run_in_threads


def api_as(user) -> APIClient:
    return api_client(user)  # the user's token in the Authorization header


def party(text):
    return services.parse_party(text)


def confirmed_partnership(*parties, name="Enschede – Zwolle – Münster"):
    """As the sources record it: every side confirmed (no acting organisation)."""
    return services.create_partnership(
        {"name": name, "kind": "projectpartnerschap"}, [party(p) for p in parties]
    )


def scores_payload(partner, score=3):
    scores = {d.value: {"score": score, "justification": "eigen blik"} for d in LearningDimension}
    return {"partner": partner.party_key, "year": 2025, "scores": scores}


def score_form(partner, score=4):
    data = {"partner": partner.pk, "year": 2025}
    for dimension in LearningDimension:
        data[f"score_{dimension.value}"] = str(score)
        data[f"why_{dimension.value}"] = "eigen blik"
    return data


# --------------------------------------------------------------------------- C13


@pytest.mark.django_db
def test_each_partner_scores_its_own_side_only_in_the_api(enschede_contributor, make_user):
    zwolle_contributor = make_user(Role.CONTRIBUTOR, "GM0193")
    partnership = confirmed_partnership("GM0153", "GM0193", "place: Münster, DE")
    enschede = partnership.partners.get(organisation=enschede_contributor.organisation)
    zwolle = partnership.partners.get(organisation=zwolle_contributor.organisation)
    munster = partnership.partners.get(place__isnull=False)
    url = f"/api/v1/partnerships/{partnership.slug}/learning"

    enschede_api, zwolle_api = api_as(enschede_contributor), api_as(zwolle_contributor)
    assert enschede_api.post(url, scores_payload(enschede), format="json").status_code == 200
    assert zwolle_api.post(url, scores_payload(zwolle, 5), format="json").status_code == 200
    overwrite = api_as(enschede_contributor).post(url, scores_payload(zwolle, 1), format="json")
    assert overwrite.status_code == 403
    assert overwrite["Content-Type"] == "application/problem+json"
    back = api_as(zwolle_contributor).post(url, scores_payload(enschede, 1), format="json")
    assert back.status_code == 403
    # The side abroad has no people here: a confirmed Dutch partner records it.
    assert enschede_api.post(url, scores_payload(munster), format="json").status_code == 200
    assert set(LearningScore.objects.filter(partner=zwolle).values_list("score", flat=True)) == {5}
    assert set(LearningScore.objects.filter(partner=enschede).values_list("score", flat=True)) == {
        3
    }


@pytest.mark.django_db
def test_each_partner_scores_its_own_side_only_on_the_page(client, enschede_contributor, make_user):
    zwolle_contributor = make_user(Role.CONTRIBUTOR, "GM0193")
    partnership = confirmed_partnership("GM0153", "GM0193")
    enschede = partnership.partners.get(organisation=enschede_contributor.organisation)
    zwolle = partnership.partners.get(organisation=zwolle_contributor.organisation)
    url = reverse("partnerships:learning-assessment", args=[partnership.slug])

    client.force_login(enschede_contributor)
    page = client.get(url).content.decode()
    assert f'value="{enschede.pk}"' in page and f'value="{zwolle.pk}"' not in page
    assert client.post(url, score_form(zwolle)).status_code == 403
    assert client.post(url, score_form(enschede)).status_code == 302
    client.force_login(zwolle_contributor)
    assert client.post(url, score_form(enschede, 1)).status_code == 403
    assert client.post(url, score_form(zwolle, 2)).status_code == 302
    assert set(LearningScore.objects.filter(partner=enschede).values_list("score", flat=True)) == {
        4
    }


# --------------------------------------------------------------------------- C15


def _activity_payload(partnership_slug):
    return {
        "partnership": partnership_slug,
        "form": "werkbezoek",
        "title": "Bezoek",
        "start_date": "2025-05-01",
        "sides": [
            {"party": "GM0988", "direction": "gave"},
            {"party": "GM0153", "direction": "received"},
        ],
    }


@pytest.mark.django_db
def test_no_exchange_under_a_partnership_you_are_not_part_of(
    client, enschede_contributor, weert_contributor
):
    partnership = confirmed_partnership("GM0153", "place: Münster, DE", name="Enschede – Münster")
    before = ExchangeActivity.objects.count()

    api = api_as(weert_contributor).post(
        "/api/v1/activities", _activity_payload(partnership.slug), format="json"
    )
    assert api.status_code == 403
    assert api["Content-Type"] == "application/problem+json"

    client.force_login(weert_contributor)
    form = client.post(
        reverse("partnerships:activity-create"),
        {
            "partnership": partnership.pk,
            "form": "werkbezoek",
            "title": "Bezoek",
            "start_date": "2025-05-01",
            "other_party": "GM0153",
            "own_direction": "gave",
            "other_direction": "received",
        },
    )
    assert form.status_code == 400

    with pytest.raises(PermissionDenied):
        services.log_activity(
            {"title": "Bezoek", "form": "werkbezoek", "partnership": partnership},
            [
                services.SideInput(party("GM0988"), "gave"),
                services.SideInput(party("GM0153"), "received"),
            ],
            user=weert_contributor,
            organisation=weert_contributor.organisation,
        )
    assert ExchangeActivity.objects.count() == before

    # A partner may, and may not move its exchange into someone else's partnership later.
    own = api_as(enschede_contributor).post(
        "/api/v1/activities",
        {**_activity_payload(partnership.slug), "sides": [
            {"party": "GM0153", "direction": "gave"},
            {"party": "GM0988", "direction": "received"},
        ]},
        format="json",
    )  # fmt: skip
    assert own.status_code == 201, own.content
    other = confirmed_partnership("GM0988", "GM0193", name="Weert – Zwolle")
    moved = api_as(enschede_contributor).patch(
        f"/api/v1/activities/{own.json()['slug']}", {"partnership": other.slug}, format="json"
    )
    assert moved.status_code == 403


# --------------------------------------------------------------------------- C16


@pytest.mark.django_db
def test_a_named_municipality_is_proposed_until_it_confirms(
    client, enschede_contributor, make_user
):
    zwolle_contributor = make_user(Role.CONTRIBUTOR, "GM0193")
    client.force_login(enschede_contributor)
    created = client.post(
        reverse("partnerships:partnership-create"),
        {
            "name": "Enschede neemt Zwolle mee",
            "kind": "projectpartnerschap",
            "status": "actief",
            "partners_text": "GM0153\nGM0193\nplace: Münster, DE",
        },
    )
    assert created.status_code == 302
    partnership = Partnership.objects.get(name="Enschede neemt Zwolle mee")
    statuses = {p.label: p.status for p in partnership.partners.all()}
    assert statuses == {"Enschede": "confirmed", "Zwolle": "proposed", "Münster (DE)": "confirmed"}

    # Public pages say so.
    detail = client.get(partnership.get_absolute_url()).content.decode()
    assert "voorgesteld, nog niet bevestigd" in detail
    listing = client.get(reverse("partnerships:partnership-list")).content.decode()
    assert "Zwolle (voorgesteld)" in listing

    # Zwolle has no rights yet, on any path.
    assert not can_edit(zwolle_contributor, partnership)
    client.force_login(zwolle_contributor)
    edit = reverse("partnerships:partnership-edit", args=[partnership.slug])
    assert client.get(edit).status_code == 403
    patch = api_as(zwolle_contributor).patch(
        f"/api/v1/partnerships/{partnership.slug}", {"name": "Van Zwolle"}, format="json"
    )
    assert patch.status_code == 403
    learning = reverse("partnerships:learning-assessment", args=[partnership.slug])
    zwolle_side = partnership.partners.get(organisation=zwolle_contributor.organisation)
    assert client.post(learning, score_form(zwolle_side)).status_code == 403
    with pytest.raises(PermissionDenied):  # nor an exchange under it
        services.log_activity(
            {"title": "Bezoek", "form": "werkbezoek", "partnership": partnership},
            [
                services.SideInput(party("GM0193"), "gave"),
                services.SideInput(party("GM0153"), "received"),
            ],
            user=zwolle_contributor,
            organisation=zwolle_contributor.organisation,
        )

    # Zwolle sees the question and confirms.
    page = client.get(partnership.get_absolute_url()).content.decode()
    assert "Doet uw organisatie mee aan dit partnerschap?" in page
    answer = reverse("partnerships:partnership-participation", args=[partnership.slug])
    assert client.post(answer, {"answer": "confirm"}).status_code == 302
    zwolle_side.refresh_from_db()
    assert zwolle_side.status == PartnershipPartner.Status.CONFIRMED
    assert client.get(edit).status_code == 200
    # Enschede cannot answer for Zwolle.
    client.force_login(enschede_contributor)
    assert client.post(answer, {"answer": "decline"}).status_code == 403


@pytest.mark.django_db
def test_a_proposed_municipality_declines_through_the_api(enschede_contributor, make_user):
    zwolle_contributor = make_user(Role.CONTRIBUTOR, "GM0193")
    created = api_as(enschede_contributor).post(
        "/api/v1/partnerships",
        {"name": "Voorstel", "kind": "stedenband", "partners": ["GM0153", "GM0193"]},
        format="json",
    )
    assert created.status_code == 201
    assert [p["status"] for p in created.json()["partners"]] == ["confirmed", "proposed"]
    slug = created.json()["slug"]
    url = f"/api/v1/partnerships/{slug}/participation"
    assert (
        api_as(enschede_contributor).post(url, {"agree": False}, format="json").status_code == 403
    )
    declined = api_as(zwolle_contributor).post(url, {"agree": False}, format="json")
    assert declined.status_code == 200, declined.content
    assert [p["status"] for p in declined.json()["partners"]] == ["confirmed", "declined"]
    partnership = Partnership.objects.get(slug=slug)
    assert not can_edit(zwolle_contributor, partnership)
    # Zwolle's own page does not claim a partnership it declined.
    from kennisschakel.partnerships.sections import party_context

    section = party_context(zwolle_contributor.organisation)
    assert partnership not in list(section["partnerships"])
    # … while Enschede's page still shows it.
    section = party_context(enschede_contributor.organisation)
    assert partnership in list(section["partnerships"])


@pytest.mark.django_db
def test_seeded_partners_are_confirmed():
    assert PartnershipPartner.objects.exists()
    assert not PartnershipPartner.objects.exclude(
        status=PartnershipPartner.Status.CONFIRMED
    ).exists()


# --------------------------------------------------------------------------- A5


def _logged_activity(organisation, title="Werkbezoek Weert"):
    return services.log_activity(
        {"title": title, "form": "werkbezoek", "start_date": datetime.date(2025, 3, 1)},
        [
            services.SideInput(party("GM0153"), "gave", hours=8),
            services.SideInput(party("GM0988"), "received", hours=4),
        ],
        organisation=organisation,
    )


def _activity_form(title, token, **extra):
    return {
        "form": "werkbezoek",
        "title": title,
        "start_date": "2025-03-01",
        "other_party": "GM0988",
        "own_direction": "gave",
        "own_hours": "8",
        "other_direction": "received",
        "other_hours": "4",
        "version_token": token,
        **extra,
    }


def _token(html: str) -> str:
    return re.search(r'name="version_token" value="([^"]+)"', html).group(1)


@pytest.mark.django_db
def test_second_editor_of_an_activity_is_refused_and_keeps_what_was_typed(
    client, enschede_contributor, make_user
):
    colleague = make_user(Role.CONTRIBUTOR, "GM0153", email="collega@enschede.test")
    activity = _logged_activity(enschede_contributor.organisation)
    url = reverse("partnerships:activity-edit", args=[activity.slug])
    client.force_login(enschede_contributor)
    first_token = _token(client.get(url).content.decode())
    other = client.__class__()
    other.force_login(colleague)
    second_token = _token(other.get(url).content.decode())

    assert client.post(url, _activity_form("Werkbezoek (eerste)", first_token)).status_code == 302
    refused = other.post(
        url, _activity_form("Werkbezoek (tweede)", second_token, outcomes="Mijn verslag")
    )
    assert refused.status_code == 409
    body = refused.content.decode()
    assert "Iemand anders heeft" in body and "Werkbezoek (eerste)" in body  # what changed
    assert 'value="Werkbezoek (tweede)"' in body and "Mijn verslag" in body  # nothing lost
    activity.refresh_from_db()
    assert activity.title == "Werkbezoek (eerste)" and activity.outcomes == ""
    # Saving again, now knowingly, works.
    again = other.post(
        url, _activity_form("Werkbezoek (tweede)", _token(body), outcomes="Mijn verslag")
    )
    assert again.status_code == 302
    activity.refresh_from_db()
    assert activity.title == "Werkbezoek (tweede)"


@pytest.mark.django_db
def test_second_editor_of_a_partnership_is_refused(client, enschede_contributor, make_user):
    colleague = make_user(Role.CONTRIBUTOR, "GM0153", email="collega@enschede.test")
    partnership = confirmed_partnership("GM0153", "place: Münster, DE", name="Band Münster")
    url = reverse("partnerships:partnership-edit", args=[partnership.slug])
    client.force_login(enschede_contributor)
    token = _token(client.get(url).content.decode())
    other = client.__class__()
    other.force_login(colleague)
    other_token = _token(other.get(url).content.decode())
    data = {
        "kind": "stedenband",
        "status": "actief",
        "partners_text": "GM0153\nplace: Münster, DE",
    }
    first = client.post(url, {**data, "name": "Band Münster (eerste)", "version_token": token})
    assert first.status_code == 302
    second = other.post(
        url, {**data, "name": "Band Münster (tweede)", "version_token": other_token}
    )
    assert second.status_code == 409
    assert "Band Münster (eerste)" in second.content.decode()
    assert 'value="Band Münster (tweede)"' in second.content.decode()
    partnership.refresh_from_db()
    assert partnership.name == "Band Münster (eerste)"


@pytest.mark.django_db
def test_api_patch_with_an_old_etag_is_412(enschede_contributor):
    activity = _logged_activity(enschede_contributor.organisation)
    url = f"/api/v1/activities/{activity.slug}"
    api = api_as(enschede_contributor)
    etag = api.get(url)["ETag"]
    first = api.patch(url, {"outcomes": "Eerste"}, format="json", HTTP_IF_MATCH=etag)
    assert first.status_code == 200 and first["ETag"] != etag
    stale = api.patch(url, {"outcomes": "Tweede"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert stale["Content-Type"] == "application/problem+json"
    activity.refresh_from_db()
    assert activity.outcomes == "Eerste"
    fresh = api.patch(url, {"outcomes": "Tweede"}, format="json", HTTP_IF_MATCH=first["ETag"])
    assert fresh.status_code == 200
    garbled = api.patch(url, {"outcomes": "X"}, format="json", HTTP_IF_MATCH='"abc"')
    assert garbled.status_code == 412
    # The version may also travel in the body, as for practices.
    assert api.patch(url, {"outcomes": "Y", "version": 1}, format="json").status_code == 412
    current = api.get(url).json()["version"]
    assert api.patch(url, {"outcomes": "Y", "version": current}, format="json").status_code == 200


def test_parallel_edits_of_one_version_keep_exactly_one(committed_db, make_user):
    user = make_user(Role.CONTRIBUTOR, "GM0153")
    activity = _logged_activity(user.organisation, title="Parallel")
    sides = [services.side_input_of(s) for s in activity.sides.all()]
    loaded = activity.version

    def save(index):
        fresh = ExchangeActivity.objects.get(pk=activity.pk)
        values = {"title": f"Versie {index}", "outcomes": f"Verslag {index}"}
        return services.update_activity(
            fresh, values, sides, user=user, expected_version=loaded
        ).title

    outcomes = run_in_threads(save, [(i,) for i in range(10)])
    kept = [o.value for o in outcomes if o.ok]
    assert len(kept) == 1, errors(outcomes)
    assert all(isinstance(e, VersionConflict) for e in errors(outcomes))
    activity.refresh_from_db()
    assert activity.title == kept[0] and activity.version == loaded + 1
    assert activity.sides.count() == 2
