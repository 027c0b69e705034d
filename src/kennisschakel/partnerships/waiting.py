"""Mijn Kennisschakel, from partnerships: exchanges the other side logged that wait for our
confirmation, partnerships that name us and wait for our answer, and recent exchanges in
our networks (registered in ``PartnershipsConfig.ready``; see core/waiting.py).

Who may act follows ``rules.can_confirm`` (a contributor or coordinator of a Dutch side
that did not log the exchange) and ``rules.own_proposed_sides``. The ledger is public;
disputed exchanges are left out of the network news.
"""

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kennisschakel.core.permissions import belongs_to
from kennisschakel.core.waiting import Part, Row, Section, first, register
from kennisschakel.partnerships.models import (
    ActivitySide,
    ExchangeActivity,
    NetworkMembership,
    PartnershipPartner,
)


def _day(moment) -> str:
    return date_format(localtime(moment), "j F Y")


def _may_act(user) -> bool:
    return belongs_to(user, user.organisation_id)


def _to_confirm(user):
    """Pending exchanges with a side of ours that we did not log ourselves (can_confirm)."""
    ours = ActivitySide.objects.filter(
        activity_id=OuterRef("pk"), organisation_id=user.organisation_id
    )
    return (
        ExchangeActivity.objects.filter(confirmation=ExchangeActivity.Confirmation.PENDING)
        .filter(Exists(ours))
        .exclude(logged_by_organisation_id=user.organisation_id)
    )


def exchanges_to_confirm(user, since) -> Part:
    rows, total = first(
        _to_confirm(user).select_related("logged_by_organisation").order_by("-created_at")
    )
    may_act = _may_act(user)
    return Part(
        rows=[
            Row(
                title=activity.title,
                lang="nl",
                url=activity.get_absolute_url(),
                detail=_("Logged by %(organisation)s on %(date)s")
                % {
                    "organisation": activity.logged_by_organisation or "–",
                    "date": _day(activity.created_at),
                },
                new=bool(since and activity.created_at > since),
                action=_("Confirm or dispute") if may_act else "",
            )
            for activity in rows
        ],
        waiting=total if may_act else 0,
        total=total,
        note=""
        if may_act or not rows
        else _("A contributor or coordinator of your organisation can confirm these."),
    )


def count_exchanges(user, since) -> int:
    return _to_confirm(user).count() if _may_act(user) else 0


def _proposed(user):
    return PartnershipPartner.objects.filter(
        organisation_id=user.organisation_id, status=PartnershipPartner.Status.PROPOSED
    )


def partnerships_to_answer(user, since) -> Part:
    rows, total = first(_proposed(user).select_related("partnership").order_by("-pk"))
    may_act = _may_act(user)
    return Part(
        rows=[
            Row(
                title=str(partner.partnership),
                lang="nl",
                url=partner.partnership.get_absolute_url(),
                detail=_("Your organisation is named as a partner and has not confirmed yet."),
                action=_("Confirm or decline") if may_act else "",
            )
            for partner in rows
        ],
        waiting=total if may_act else 0,
        total=total,
    )


def count_partnerships(user, since) -> int:
    return _proposed(user).count() if _may_act(user) else 0


def network_activity(user, since) -> Part:
    """The latest exchanges of fellow members of our networks (not our own, not disputed)."""
    fellow = NetworkMembership.objects.filter(
        network__members__member_id=user.organisation_id
    ).exclude(member_id=user.organisation_id)
    sides = ActivitySide.objects.filter(
        activity_id=OuterRef("pk"), organisation_id__in=fellow.values("member_id")
    )
    activities = (
        ExchangeActivity.objects.filter(Exists(sides))
        .exclude(confirmation=ExchangeActivity.Confirmation.DISPUTED)
        .select_related("logged_by_organisation", "partnership")
        .order_by("-created_at")
    )
    rows = list(activities[:5])
    return Part(
        rows=[
            Row(
                title=activity.title,
                lang="nl",
                url=activity.get_absolute_url(),
                detail=_("%(partnership)s · added on %(date)s")
                % {
                    "partnership": activity.partnership or activity.get_form_display(),
                    "date": _day(activity.created_at),
                },
                new=bool(since and activity.created_at > since),
            )
            for activity in rows
        ],
        more_url=reverse("partnerships:landscape"),
        more_label=_("Networks and their members"),
    )


def register_sections() -> None:
    register(
        Section(
            key="exchanges",
            order=20,
            title=gettext_lazy("Exchanges to confirm"),
            empty=gettext_lazy("No exchange logged by a partner waits for your confirmation."),
            collect=exchanges_to_confirm,
            count=count_exchanges,
        )
    )
    register(
        Section(
            key="partnerships",
            order=25,
            title=gettext_lazy("Partnerships that name your organisation"),
            empty=gettext_lazy("No partnership waits for your organisation to confirm it."),
            collect=partnerships_to_answer,
            count=count_partnerships,
        )
    )
    register(
        Section(
            key="networks",
            order=80,
            title=gettext_lazy("Recent exchanges in your networks"),
            empty=gettext_lazy(
                "Nothing recent from the networks your organisation is a member of."
            ),
            collect=network_activity,
        )
    )
