import pytest

from kennisschakel.register.models import ContactPerson, Organisation
from tests.knowledge.factories import PracticeFactory


@pytest.fixture
def make_practice(db):
    def make(cbs_code="GM0153", title="Schuldhulp aan de keukentafel", status="published", **extra):
        return PracticeFactory(cbs_code=cbs_code, title=title, status=status, **extra)

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
