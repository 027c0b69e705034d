"""The exchange ledger on the home page (core/home.py): how many exchanges were recorded.
Registered in ``PartnershipsConfig.ready``.

Every recorded exchange counts, as on the public activity pages; how many the other side
confirmed is said alongside, since an unconfirmed record is one side's account only.
"""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kennisschakel.core.home import Contribution, Figure, register
from kennisschakel.partnerships.models import ExchangeActivity


def figures() -> list[Figure]:
    """One query."""
    counts = ExchangeActivity.objects.aggregate(
        total=Count("pk"),
        confirmed=Count("pk", filter=Q(confirmation=ExchangeActivity.Confirmation.CONFIRMED)),
    )
    total = counts["total"]
    return [
        Figure(
            "exchanges",
            total,
            ngettext("exchange recorded", "exchanges recorded", total),
            reverse("partnerships:balances"),
            note=_("%(confirmed)s confirmed by the other side") % {"confirmed": counts["confirmed"]}
            if total
            else "",
        )
    ]


def register_contribution() -> None:
    register(Contribution("partnerships", 20, figures=figures))
