"""Partnerships, exchanges (activities) and network memberships, made through the services.

The demo partnerships and their exchanges (``partnerships/data``, the Enschede–Dalian
story among them) are never used as fixtures: a test builds the rows it asserts on.
Parties are written as the site's party field takes them: a CBS code, ``place: Münster,
DE`` or ``country: IN`` (``services.parse_party``); those are reference data.
"""

import datetime

import factory
from factory.django import DjangoModelFactory

from kennisschakel.partnerships import services
from kennisschakel.partnerships.models import (
    ExchangeActivity,
    ExchangeForm,
    Motive,
    NetworkMembership,
    Partnership,
)
from kennisschakel.register.models import Organisation, PolicyDomain


def _rows(model, values):
    return [model.objects.get(slug=v) if isinstance(v, str) else v for v in values]


class PartnershipFactory(DjangoModelFactory):
    """A town twinning of Enschede and Münster; ``partners`` are party texts, ``motives``
    and ``domains`` slugs or rows, ``user`` the person who records it (None: the sources,
    so every partner is confirmed)."""

    class Meta:
        model = Partnership
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Testband {n}")
    kind = Partnership.Kind.TWINNING

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        partners = kwargs.pop("partners", ["GM0153", "place: Münster, DE"])
        motives = _rows(Motive, kwargs.pop("motives", []))
        domains = _rows(PolicyDomain, kwargs.pop("domains", []))
        user = kwargs.pop("user", None)
        return services.create_partnership(
            kwargs,
            [services.parse_party(p) for p in partners],
            user=user,
            motives=motives,
            domains=domains,
        )


class ExchangeActivityFactory(DjangoModelFactory):
    """A meeting on 2 February 2025 in which Enschede gave and Weert received.

    ``sides`` is a list of ``(party text, direction)`` or ``(party text, direction,
    hours)``; without ``organisation`` (the logging organisation) the activity is
    confirmed, as the sources' are."""

    class Meta:
        model = ExchangeActivity
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Testuitwisseling {n}")
    form = ExchangeForm.MEETING
    start_date = datetime.date(2025, 2, 2)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        sides = kwargs.pop("sides", [("GM0153", "gave"), ("GM0988", "received")])
        user = kwargs.pop("user", None)
        organisation = kwargs.pop("organisation", None)
        side_inputs = [
            services.SideInput(services.parse_party(side[0]), side[1], hours=_hours(side))
            for side in sides
        ]
        return services.log_activity(kwargs, side_inputs, user=user, organisation=organisation)


def _hours(side):
    return side[2] if len(side) > 2 else None


class NetworkFactory(DjangoModelFactory):
    """An organisation of type network."""

    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"testnetwerk-{n}")
    name = factory.Sequence(lambda n: f"Testnetwerk {n}")
    type = Organisation.Type.NETWORK

    @factory.post_generation
    def domains(self, create, extracted, **kwargs):
        """The policy domains the network works on (slugs or rows)."""
        if create and extracted:
            self.domains.set(_rows(PolicyDomain, extracted))


class NetworkMembershipFactory(DjangoModelFactory):
    """Enschede as a member of a new network; ``member`` takes a CBS code or an
    organisation, ``themes`` policy-domain slugs or rows."""

    class Meta:
        model = NetworkMembership
        skip_postgeneration_save = True

    network = factory.SubFactory(NetworkFactory)
    member = "GM0153"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        if isinstance(kwargs["member"], str):
            kwargs["member"] = Organisation.objects.get(slug=kwargs["member"].lower())
        return super()._create(model_class, *args, **kwargs)

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(_rows(PolicyDomain, extracted))
