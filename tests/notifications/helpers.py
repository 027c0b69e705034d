"""Events for the notification tests, made through the apps' own services."""

import datetime

from kennisschakel.knowledge.models import Practice
from kennisschakel.knowledge.services import save_practice
from kennisschakel.matching import services as matching
from kennisschakel.monitor import services as monitor
from kennisschakel.monitor.models import Instrument
from kennisschakel.notifications.models import Notification
from kennisschakel.partnerships import services as ledger
from kennisschakel.register.models import Municipality, Organisation, PolicyDomain, SizeScheme

TODAY = datetime.date.today()


def org(cbs_code):
    return Municipality.objects.get(cbs_code=cbs_code).organisation


def introduction(asker, cbs_code="GM0153", text="Wij zoeken ervaring met Dalian."):
    return matching.request_introduction(asker, f"municipality:{cbs_code}", text)


def exchange(logger, other_code="GM0153", title="Werkbezoek afvalbeleid"):
    return ledger.log_activity(
        {"title": title, "form": "bijeenkomst", "start_date": datetime.date(2025, 2, 2)},
        [
            ledger.SideInput(ledger.parse_party(logger.organisation.municipality.cbs_code), "gave"),
            ledger.SideInput(ledger.parse_party(other_code), "received"),
        ],
        user=logger,
        organisation=logger.organisation,
    )


def practice(cbs_code="GM0153", title="Schuldhulp aan de keukentafel"):
    item = Practice(
        title=title,
        summary="Een korte samenvatting van de aanpak.",
        body="Uitleg van de aanpak.",
        owner=Organisation.objects.get(slug=cbs_code.lower()),
        status="published",
    )
    domain = PolicyDomain.objects.get(slug="armoede-en-schulden")
    return save_practice(item, None, relations={"domains": [domain]})


def wave(slug="gib-meldingen", opens_in_days=-1):
    """Open by its dates, or in preparation when it opens in the future."""
    return monitor.create_wave(
        {
            "slug": slug,
            "instrument": Instrument.objects.get(slug="gib"),
            "title": f"Monitor internationaal beleid ({slug})",
            "period": str(TODAY.year),
            "reference_date": datetime.date(TODAY.year, 1, 1),
            "size_scheme": SizeScheme.objects.get(slug="gib2009"),
            "opens_on": TODAY + datetime.timedelta(days=opens_in_days),
            "closes_on": TODAY + datetime.timedelta(days=30),
        }
    )


def kinds_of(user) -> list[str]:
    return list(
        Notification.objects.filter(user=user).order_by("pk").values_list("kind", flat=True)
    )
