"""The knowledge bank on the home page (core/home.py): figures about practices, lessons and
adoptions, and the newest practices and lessons. Registered in ``KnowledgeConfig.ready``.

Only published practices count and show: the home page is the same for everyone. Lessons
about what did not work are counted and shown as plainly as the successes: a municipality
learns as much from them (``000`` conclusions; ``002`` ch. 4).
"""

from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from kennisschakel.core.home import Contribution, Figure, Group, Item, register
from kennisschakel.knowledge.models import Adoption, Practice
from kennisschakel.register.models import Organisation

PRACTICES_SHOWN = 4
LESSONS_SHOWN = 3
SUMMARY_CHARS = 180
TOOK_OVER = [Adoption.Outcome.ADOPTED, Adoption.Outcome.ADAPTED]


def _search_url(**params) -> str:
    url = reverse("knowledge:practice-list")
    return f"{url}?{urlencode(params)}" if params else url


def figures() -> list[Figure]:
    """Three plain queries (no join that a COUNT DISTINCT would have to undo): the
    practices, their adoptions, and the municipalities that shared."""
    published = Practice.objects.published()
    counts = published.aggregate(
        practices=Count("pk", filter=Q(kind=Practice.Kind.PRACTICE)),
        lessons=Count("pk", filter=Q(kind=Practice.Kind.LESSON)),
        negative=Count("pk", filter=~Q(negative_lessons="")),
    )
    reports = Adoption.objects.filter(practice__status=Practice.Status.PUBLISHED).aggregate(
        total=Count("pk"), took_over=Count("pk", filter=Q(outcome__in=TOOK_OVER))
    )
    # Owners and co-owners alike shared the practice; subqueries, so none counts twice.
    co_owners = Practice.co_owners.through.objects.filter(
        practice__status=Practice.Status.PUBLISHED
    ).values("organisation_id")
    municipalities = (
        Organisation.objects.filter(type=Organisation.Type.MUNICIPALITY)
        .filter(Q(pk__in=published.values("owner_id")) | Q(pk__in=co_owners))
        .count()
    )
    adoptions, took_over = reports["total"], reports["took_over"]
    return [
        Figure(
            "practices",
            counts["practices"],
            ngettext("practice shared", "practices shared", counts["practices"]),
            _search_url(kind=Practice.Kind.PRACTICE),
        ),
        Figure(
            "lessons",
            counts["lessons"],
            ngettext("lesson learned", "lessons learned", counts["lessons"]),
            _search_url(kind=Practice.Kind.LESSON),
        ),
        Figure(
            "negative",
            counts["negative"],
            ngettext(
                "says what did not work",
                "say what did not work",
                counts["negative"],
            ),
            _search_url(negative="yes"),
        ),
        Figure(
            "adoptions",
            adoptions,
            ngettext("adoption reported", "adoptions reported", adoptions),
            _search_url(adopted="yes"),
            note=_("%(took_over)s taken over or adapted, %(declined)s decided against")
            % {"took_over": took_over, "declined": adoptions - took_over}
            if adoptions
            else "",
        ),
        Figure(
            "municipalities",
            municipalities,
            ngettext(
                "municipality shared a practice or lesson",
                "municipalities shared a practice or lesson",
                municipalities,
            ),
            order=90,  # after the exchanges: who shared, once what was shared is told
        ),
    ]


def _when(practice: Practice) -> str:
    start, end = practice.period_start, practice.period_end
    if start and end:
        return str(start) if start == end else f"{start}–{end}"
    if start:
        return _("since %(year)s") % {"year": start}
    if end:
        return _("until %(year)s") % {"year": end}
    if practice.published_at:
        return _("shared in %(year)s") % {"year": practice.published_at.year}
    return ""


def _item(practice: Practice, english: bool) -> Item:
    summary, lang = practice.summary, "nl"
    if english and practice.summary_en:
        summary, lang = practice.summary_en, "en"
    return Item(
        title=practice.title,
        url=practice.get_absolute_url(),
        kind=practice.get_kind_display(),
        who=str(practice.owner),
        when=_when(practice),
        summary=Truncator(summary).chars(SUMMARY_CHARS),
        lesson=practice.kind == Practice.Kind.LESSON,
        negative=bool(practice.negative_lessons.strip()),
        lang=lang,
    )


def recent() -> list[Group]:
    """The newest practices and, apart, the newest lessons: one query each, so a lesson
    shows however many practices were published after it."""
    english = (get_language() or "nl").startswith("en")
    newest = (
        Practice.objects.published()
        .select_related("owner")
        .only(
            "slug", "kind", "title", "summary", "summary_en", "negative_lessons",
            "period_start", "period_end", "published_at", "created_at",
            "owner__name", "owner__short_name",
        )
        .order_by("-published_at", "-created_at", "-pk")
    )  # fmt: skip
    practices = newest.filter(kind=Practice.Kind.PRACTICE)[:PRACTICES_SHOWN]
    lessons = newest.filter(kind=Practice.Kind.LESSON)[:LESSONS_SHOWN]
    return [
        Group(
            "practices",
            _("New practices"),
            [_item(p, english) for p in practices],
            _search_url(),
            _("All practices and lessons"),
        ),
        Group(
            "lessons",
            _("Lessons, also about what did not work"),
            [_item(p, english) for p in lessons],
            _search_url(negative="yes"),
            _("Everything about what did not work"),
        ),
    ]


def register_contribution() -> None:
    register(Contribution("knowledge", 10, figures=figures, recent=recent))
