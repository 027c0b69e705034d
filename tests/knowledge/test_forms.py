"""Adding a practice on the site: Dutch messages, nothing typed lost, nothing half-saved."""

import pytest
from django.urls import reverse

from kennisschakel.knowledge.models import Practice

pytestmark = pytest.mark.django_db


def test_invalid_practice_keeps_input_and_explains(client, enschede_contributor):
    client.force_login(enschede_contributor)
    before = Practice.objects.count()
    response = client.post(
        reverse("knowledge:practice-create"),
        {
            "kind": "les",
            "title": "Kort",
            "summary": "Mijn zorgvuldig getypte samenvatting.",
            "maturity": "geevalueerd",
            "period_start": "2015",
            "period_end": "2012",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Geef een titel van minstens 5 tekens." in body
    assert "Kies minstens één beleidsdomein." in body
    assert "Het eindjaar ligt vóór het beginjaar." in body
    assert "Een les vertelt wat niet werkte: vul dit veld in." in body
    assert "Mijn zorgvuldig getypte samenvatting." in body
    assert Practice.objects.count() == before


def test_valid_practice_is_saved_as_draft_or_published(client, enschede_contributor):
    from kennisschakel.register.models import PolicyDomain

    client.force_login(enschede_contributor)
    data = {
        "kind": "praktijk",
        "title": "Buurtbudget voor jongeren",
        "summary": "Jongeren bepalen zelf de besteding van een buurtbudget.",
        "body": "## Aanpak\n\nEen jongerenpanel kiest projecten.",
        "domains": [PolicyDomain.objects.get(slug="jeugd").pk],
        "maturity": "in-uitvoering",
        "languages": "nl",
        "publish": "1",
    }
    response = client.post(reverse("knowledge:practice-create"), data)
    assert response.status_code == 302
    practice = Practice.objects.get(title="Buurtbudget voor jongeren")
    assert practice.owner == enschede_contributor.organisation
    assert practice.status == "published" and practice.published_at is not None
    assert practice.created_by == enschede_contributor
    assert practice.search_terms  # analysed on save
    assert practice.revisions.count() == 1


def test_my_practices_lists_drafts_of_own_organisation(client, enschede_contributor, make_practice):
    make_practice("GM0153", title="Concept energieloket", status="draft")
    make_practice("GM0988", title="Weerter praktijk", status="published")
    client.force_login(enschede_contributor)
    body = client.get(reverse("knowledge:my-practices")).content.decode()
    assert "Concept energieloket" in body
    assert "Weerter praktijk" not in body
