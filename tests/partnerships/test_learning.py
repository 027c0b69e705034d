"""The mutual-learning assessment: scores per side per year, and the SVG chart."""

import pytest
from django.urls import reverse

from kennisschakel.partnerships import services
from kennisschakel.partnerships.models import LearningDimension, LearningScore

pytestmark = pytest.mark.django_db


@pytest.fixture
def partnership():
    return services.create_partnership(
        {"name": "Enschede – Münster proef", "kind": "stedenband"},
        [services.parse_party("GM0153"), services.parse_party("place: Münster, DE")],
    )


def form_data(partner, year=2025, score=4):
    data = {"partner": partner.pk, "year": year}
    for dimension in LearningDimension:
        data[f"score_{dimension.value}"] = str(score)
        data[f"why_{dimension.value}"] = f"Toelichting {dimension.value}"
    return data


def test_involved_municipality_scores_both_sides_and_sees_chart(
    client, enschede_contributor, partnership
):
    url = reverse("partnerships:learning-assessment", args=[partnership.slug])
    client.force_login(enschede_contributor)
    enschede_side, munster_side = sorted(partnership.partners.all(), key=lambda p: p.place_id or 0)
    assert client.post(url, form_data(enschede_side, score=4)).status_code == 302
    assert client.post(url, form_data(munster_side, score=2)).status_code == 302
    assert LearningScore.objects.filter(partner__partnership=partnership).count() == 12
    page = client.get(url, {"year": 2025}).content.decode()
    assert "<svg" in page and "Toelichting vertrouwen" in page
    # Scoring the same year again replaces, never duplicates.
    client.post(url, form_data(enschede_side, score=5))
    assert LearningScore.objects.filter(partner=enschede_side, year=2025).count() == 6
    assert set(
        LearningScore.objects.filter(partner=enschede_side).values_list("score", flat=True)
    ) == {5}


def test_outsiders_cannot_score_and_bad_scores_are_refused(
    client, weert_contributor, enschede_contributor, partnership
):
    url = reverse("partnerships:learning-assessment", args=[partnership.slug])
    side = partnership.partners.first()
    client.force_login(weert_contributor)
    assert client.post(url, form_data(side)).status_code == 403
    client.force_login(enschede_contributor)
    bad = form_data(side)
    bad["score_vertrouwen"] = "9"
    response = client.post(url, bad)
    assert response.status_code == 400
    assert not LearningScore.objects.exists()
