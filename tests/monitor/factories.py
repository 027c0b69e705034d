"""Monitor waves made through ``services.create_wave`` (one invitation per municipality of
the population on the reference date), and their answers.

Instruments and size-class schemes are reference data, picked by slug; the demo wave
(``monitor/demo.py``) is never used as a fixture.
"""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from kennisschakel.monitor import services
from kennisschakel.monitor.models import Instrument, Invitation, Wave
from kennisschakel.register.models import SizeScheme

TODAY = datetime.date.today()


class WaveFactory(DjangoModelFactory):
    """The international-policy monitor (``gib``) of this year, open by its dates.

    ``instrument`` and ``size_scheme`` take a slug or a row; the scheme must be the
    instrument's (``create_wave`` refuses another)."""

    class Meta:
        model = Wave
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"testgolf-{n}")
    instrument = "gib"
    title = "Monitor internationaal beleid (test)"
    period = str(TODAY.year)
    reference_date = datetime.date(TODAY.year, 1, 1)
    size_scheme = "gib2009"
    opens_on = TODAY - datetime.timedelta(days=1)
    closes_on = TODAY + datetime.timedelta(days=30)

    class Params:
        closed = factory.Trait(
            opens_on=TODAY - datetime.timedelta(days=30),
            closes_on=TODAY - datetime.timedelta(days=1),
        )
        in_preparation = factory.Trait(
            opens_on=TODAY + datetime.timedelta(days=7),
            closes_on=TODAY + datetime.timedelta(days=37),
        )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        if isinstance(kwargs["instrument"], str):
            kwargs["instrument"] = Instrument.objects.get(slug=kwargs["instrument"])
        if isinstance(kwargs.get("size_scheme"), str):
            kwargs["size_scheme"] = SizeScheme.objects.get(slug=kwargs["size_scheme"])
        user = kwargs.pop("created_by", None)
        return services.create_wave(kwargs, user=user)


def invitation(wave: Wave, cbs_code: str = "GM0153") -> Invitation:
    """The invitation ``create_wave`` made for a municipality."""
    return wave.invitations.get(cbs_code=cbs_code)


def answer(invitation: Invitation, submitted: bool = True, **answers) -> Invitation:
    """A response stored as a submitted questionnaire stores it (no validation: for the
    figures of a report, where the answers are chosen by hand)."""
    invitation.answers = answers
    now = timezone.now()
    invitation.started_at = invitation.started_at or now
    invitation.saved_at = now
    if submitted:
        invitation.submitted_at = now
    invitation.save()
    return invitation
