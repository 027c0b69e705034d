"""Users per role and API clients with a token, made fresh in each test.

The demo users (``accounts/demo.py``) are never used as fixtures: a change to the demo must
not break a test about logins or permissions. Organisations are reference data (the
register), picked by CBS code.
"""

import factory
from factory.django import DjangoModelFactory
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from kennisschakel.accounts.models import Role, User
from kennisschakel.register.models import Municipality, Organisation

TEST_PASSWORD = "a-long-test-password"  # the same as tests/conftest.py's make_user


def municipality_organisation(cbs_code: str) -> Organisation:
    return Municipality.objects.select_related("organisation").get(cbs_code=cbs_code).organisation


def facilitator_organisation() -> Organisation:
    """An organisation of the test's own for facilitators (not the demo's beheer team)."""
    organisation, _created = Organisation.objects.get_or_create(
        slug="test-beheer",
        defaults={"name": "Beheer (test)", "type": Organisation.Type.FACILITATOR},
    )
    return organisation


class UserFactory(DjangoModelFactory):
    """A contributor of Enschede unless told otherwise; ``cbs_code`` picks the municipality."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    class Params:
        cbs_code = "GM0153"

    email = factory.Sequence(lambda n: f"gebruiker{n}@test.example")
    full_name = factory.Sequence(lambda n: f"Test Gebruiker {n}")
    role = Role.CONTRIBUTOR
    organisation = factory.LazyAttribute(
        lambda o: municipality_organisation(o.cbs_code) if o.cbs_code else None
    )
    password = TEST_PASSWORD

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # create_user hashes the password and normalises the address, as sign-up does.
        return model_class.objects.create_user(*args, **kwargs)


class ReaderFactory(UserFactory):
    role = Role.READER


class ContributorFactory(UserFactory):
    role = Role.CONTRIBUTOR


class CoordinatorFactory(UserFactory):
    role = Role.COORDINATOR


class FacilitatorFactory(UserFactory):
    class Params:
        cbs_code = None

    role = Role.FACILITATOR
    organisation = factory.LazyFunction(facilitator_organisation)


class TokenFactory(DjangoModelFactory):
    """An API token (DRF's model: the key is made on save)."""

    class Meta:
        model = Token

    user = factory.SubFactory(UserFactory)


def api_client(user=None, **user_fields) -> APIClient:
    """An API client that sends a fresh token of ``user`` (a new contributor when None)."""
    user = user or UserFactory(**user_fields)
    token, _created = Token.objects.get_or_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    client.user = user
    return client
