"""Practices made through ``save_practice``, as the site makes them (search terms, history).

The demo practices (``knowledge/data``) are never used as fixtures. Owners and policy
domains are reference data, picked by CBS code and slug.
"""

import factory
from factory.django import DjangoModelFactory

from kennisschakel.knowledge.models import Practice
from kennisschakel.knowledge.services import save_practice
from kennisschakel.register.models import Organisation, PolicyDomain

RELATIONS = ("domains", "co_owners", "contacts", "foreign_places")


class PracticeFactory(DjangoModelFactory):
    """A published practice of Enschede about debts; ``cbs_code`` picks the owner,
    ``domains`` (slugs or rows), ``co_owners``, ``contacts`` and ``foreign_places`` are
    set as the edit form sets them."""

    class Meta:
        model = Practice
        skip_postgeneration_save = True

    class Params:
        cbs_code = "GM0153"

    title = factory.Sequence(lambda n: f"Testpraktijk {n}")
    summary = "Een korte samenvatting van de aanpak."
    body = "Uitleg van de aanpak."
    status = Practice.Status.PUBLISHED
    owner = factory.LazyAttribute(lambda o: Organisation.objects.get(slug=o.cbs_code.lower()))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        relations = {name: kwargs.pop(name) for name in RELATIONS if name in kwargs}
        relations.setdefault("domains", ["armoede-en-schulden"])
        relations["domains"] = [
            PolicyDomain.objects.get(slug=d) if isinstance(d, str) else d
            for d in relations["domains"]
        ]
        user = kwargs.pop("created_by", None)
        return save_practice(model_class(*args, **kwargs), user, relations=relations)
