"""A demo wave for trying the questionnaire: the international-policy monitor of this year.

No answers are invented. ``make run`` prints one fresh access code (Enschede's) so that a
visitor can open the questionnaire; every run issues a new one.
"""

import datetime

from kennisschakel.monitor import services
from kennisschakel.monitor.models import Instrument, Wave
from kennisschakel.register.models import SizeScheme

DEMO_WAVE = "gib-demo"


def load_demo_wave(today: datetime.date | None = None) -> tuple[Wave, str] | None:
    today = today or datetime.date.today()
    instrument = Instrument.objects.filter(slug="gib").first()
    scheme = SizeScheme.objects.filter(slug="gib2009").first()
    if instrument is None or scheme is None:
        return None
    wave = Wave.objects.filter(slug=DEMO_WAVE).first()
    if wave is None:
        wave = services.create_wave(
            {
                "slug": DEMO_WAVE,
                "instrument": instrument,
                "title": f"Monitor internationaal beleid {today.year} (demo)",
                "period": str(today.year),
                "reference_date": datetime.date(today.year, 1, 1),
                "size_scheme": scheme,
                "opens_on": today - datetime.timedelta(days=1),
                "closes_on": today + datetime.timedelta(days=90),
            }
        )
    invitation = wave.invitations.filter(cbs_code="GM0153").first()
    if invitation is None or invitation.submitted_at or not wave.is_answerable(today):
        return wave, ""
    return wave, services.issue_code(invitation, kind="reminder")
