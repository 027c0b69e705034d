"""Mijn Kennisschakel, from the knowledge bank: adoptions of our practices that wait for
our reply, and our practices with their adoptions (registered in ``KnowledgeConfig.ready``;
see core/waiting.py).

"Ours" is what ``rules.edit_practice`` says: the owner and the co-owners; replying is for
their contributors and coordinators (``rules.can_reply``). Drafts are shown only to the
own organisation, which is the only one these sections ever list.
"""

from django.db.models import Count, Q, Value
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kennisschakel.core.permissions import belongs_to
from kennisschakel.core.waiting import Part, Row, Section, first, register
from kennisschakel.knowledge.models import Adoption, Practice


def _ours(user) -> Q:
    return Q(owner_id=user.organisation_id) | Q(co_owners=user.organisation_id)


def _may_reply(user) -> bool:
    return belongs_to(user, user.organisation_id)


def _unanswered(user):
    practices = Practice.objects.filter(_ours(user)).values("pk")
    return Adoption.objects.filter(practice_id__in=practices, reply="")


def adoptions_to_reply(user, since) -> Part:
    rows, total = first(
        _unanswered(user).select_related("practice", "organisation").order_by("-created_at")
    )
    may_reply = _may_reply(user)
    return Part(
        rows=[
            Row(
                title=adoption.practice.title,
                lang="nl",
                url=f"{adoption.practice.get_absolute_url()}#adoptions",
                detail=_("%(organisation)s: %(outcome)s (%(date)s)")
                % {
                    "organisation": adoption.organisation,
                    "outcome": adoption.get_outcome_display(),
                    "date": date_format(localtime(adoption.created_at), "j F Y"),
                },
                new=bool(since and adoption.created_at > since),
                action=_("Reply") if may_reply else "",
            )
            for adoption in rows
        ],
        waiting=total if may_reply else 0,
        total=total,
        note=""
        if may_reply or not rows
        else _("A contributor or coordinator of your organisation can reply to these."),
    )


def count_adoptions(user, since) -> int:
    return _unanswered(user).count() if _may_reply(user) else 0


def our_practices(user, since) -> Part:
    new_adoptions = (
        Count("adoptions", filter=Q(adoptions__created_at__gt=since), distinct=True)
        if since
        else Value(0)
    )
    practices = (
        # A subquery, not a join: a co-owned practice would repeat in the join.
        Practice.objects.filter(pk__in=Practice.objects.filter(_ours(user)).values("pk"))
        .annotate(adoption_count=Count("adoptions", distinct=True), new_adoptions=new_adoptions)
        .order_by("-updated_at")
    )
    rows, total = first(practices)
    return Part(
        rows=[
            Row(
                title=practice.title,
                lang="nl",
                url=practice.get_absolute_url(),
                detail=_("%(status)s · adopted or considered by %(count)s organisations")
                % {"status": practice.get_status_display(), "count": practice.adoption_count},
                new=bool(practice.new_adoptions),
            )
            for practice in rows
        ],
        total=total,
        more_url=reverse("knowledge:my-practices"),
        more_label=_("All practices of your organisation"),
    )


def register_sections() -> None:
    register(
        Section(
            key="adoptions",
            order=30,
            title=gettext_lazy("Adoptions of your practices to reply to"),
            empty=gettext_lazy(
                "No organisation that took over one of your practices waits for your reply."
            ),
            collect=adoptions_to_reply,
            count=count_adoptions,
        )
    )
    register(
        Section(
            key="practices",
            order=70,
            title=gettext_lazy("Your organisation's practices"),
            empty=gettext_lazy("Your organisation has not shared a practice or lesson yet."),
            collect=our_practices,
        )
    )
