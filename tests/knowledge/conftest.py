import pytest

from kennisschakel.knowledge.models import Practice
from kennisschakel.knowledge.services import save_practice
from kennisschakel.register.models import ContactPerson, Organisation, PolicyDomain


@pytest.fixture
def make_practice(db):
    def make(cbs_code="GM0153", title="Schuldhulp aan de keukentafel", status="published", **extra):
        owner = Organisation.objects.get(slug=cbs_code.lower())
        practice = Practice(
            title=title,
            summary=extra.pop("summary", "Een korte samenvatting van de aanpak."),
            body=extra.pop("body", "Uitleg van de aanpak."),
            owner=owner,
            status=status,
            **extra,
        )
        return save_practice(
            practice,
            None,
            relations={"domains": [PolicyDomain.objects.get(slug="armoede-en-schulden")]},
        )

    return make


@pytest.fixture
def consented_contact(db):
    def make(cbs_code="GM0153", email="contact@enschede.example"):
        from django.utils import timezone

        return ContactPerson.objects.create(
            organisation=Organisation.objects.get(slug=cbs_code.lower()),
            name="Carla Contact",
            email=email,
            consent_given_at=timezone.now(),
        )

    return make
