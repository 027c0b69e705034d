"""What marks a row as SYNTHETIC, the guard against real content, purge and fingerprint.

Every generated practice, partnership, exchange and wave has a slug starting with
``synthetisch-`` and a title or name starting with ``[synthetisch]``; practices also
carry the tag ``synthetisch``; adoptions are marked in their note. The marker
organisation ``synthetisch-demo-scale`` says that the database holds generated data.
"""

import hashlib
from pathlib import Path

import yaml
from django.contrib.auth import get_user_model
from django.db import models

from kennisschakel.accounts.demo import DEMO_USERS, FACILITATOR_ORGANISATION
from kennisschakel.knowledge.loaders import DATA_FILE as PRACTICES_FILE
from kennisschakel.knowledge.models import Adoption, Attachment, Practice
from kennisschakel.matching.models import Introduction, Offer, Question
from kennisschakel.monitor.demo import DEMO_WAVE
from kennisschakel.monitor.models import Invitation, Wave
from kennisschakel.monitor.practice import PRACTICE_WAVE
from kennisschakel.partnerships.loaders import DATA_FILE as PARTNERSHIPS_FILE
from kennisschakel.partnerships.models import (
    ActivitySide,
    ExchangeActivity,
    Partnership,
    PartnershipPartner,
)
from kennisschakel.register.models import Organisation

SLUG_PREFIX = "synthetisch-"
TITLE_PREFIX = "[synthetisch] "
TAG = "synthetisch"
SOURCE = "synthetisch: kennisschakel demo-scale (gegenereerd, geen echte gegevens)"
MARKER_ORGANISATION = {
    "slug": "synthetisch-demo-scale",
    "name": "[synthetisch] Gegenereerde gegevens (demo-scale)",
    "type": Organisation.Type.FACILITATOR,
    "level": Organisation.Level.NATIONAL,
    "description_nl": "Markering: deze database bevat gegenereerde gegevens voor benchmarks.",
    "description_en": "Marker: this database holds generated data for benchmarks.",
    "source": SOURCE,
}


def synthetic(field: str = "slug") -> models.Q:
    return models.Q(**{f"{field}__startswith": SLUG_PREFIX})


def _demo_slugs() -> tuple[set[str], set[str], set[str]]:
    practices = yaml.safe_load(Path(PRACTICES_FILE).read_text(encoding="utf-8")) or []
    ledger = yaml.safe_load(Path(PARTNERSHIPS_FILE).read_text(encoding="utf-8")) or {}
    return (
        {r["slug"] for r in practices},
        {r["slug"] for r in ledger.get("partnerships") or []},
        {r["slug"] for r in ledger.get("activities") or []},
    )


def real_content() -> list[str]:
    """What in the database is neither reference data, the demo seed nor synthetic.

    Empty means generated rows may be added without mixing them with real data.
    """
    demo_practices, demo_partnerships, demo_activities = _demo_slugs()
    demo_emails = {email for email, *_ in DEMO_USERS}
    checks = [
        ("practices", Practice.objects.exclude(synthetic()).exclude(slug__in=demo_practices)),
        (
            "partnerships",
            Partnership.objects.exclude(synthetic()).exclude(slug__in=demo_partnerships),
        ),
        (
            "exchange activities",
            ExchangeActivity.objects.exclude(synthetic()).exclude(slug__in=demo_activities),
        ),
        (
            "monitor waves",
            Wave.objects.exclude(synthetic()).exclude(slug__in=[DEMO_WAVE, PRACTICE_WAVE]),
        ),
        (
            "answers in the demo wave",
            Invitation.objects.filter(wave__slug=DEMO_WAVE).exclude(answers={}),
        ),
        ("adoptions", Adoption.objects.exclude(practice__slug__startswith=SLUG_PREFIX)),
        ("attachments", Attachment.objects.all()),
        ("knowledge questions", Question.objects.all()),
        ("knowledge offers", Offer.objects.all()),
        ("introductions", Introduction.objects.all()),
        ("users", get_user_model().objects.exclude(email__in=demo_emails)),
    ]
    found = []
    for label, queryset in checks:
        count = queryset.count()
        if count:
            found.append(f"{count} {label}")
    return found


def ensure_marker() -> Organisation:
    organisation, _ = Organisation.objects.get_or_create(
        slug=MARKER_ORGANISATION["slug"], defaults=MARKER_ORGANISATION
    )
    return organisation


def has_marker() -> bool:
    return Organisation.objects.filter(slug=MARKER_ORGANISATION["slug"]).exists()


# --------------------------------------------------------------------------- purge


def _reverse_relations(model):
    """Foreign keys pointing at ``model``, the hidden ones of many-to-many tables included."""
    for field in model._meta.get_fields(include_hidden=True):
        if field.auto_created and not field.concrete and (field.one_to_many or field.one_to_one):
            yield field


def _purge(model, queryset) -> int:
    """Delete ``queryset`` with one DELETE per table (no rows pulled into Python)."""
    for relation in _reverse_relations(model):
        related = relation.related_model._base_manager.filter(
            **{f"{relation.field.name}__in": queryset.values("pk")}
        )
        on_delete = relation.on_delete
        if on_delete is models.CASCADE:
            _purge(relation.related_model, related)
        elif on_delete is models.SET_NULL:
            related.update(**{relation.field.name: None})
        elif related.exists():
            raise ValueError(f"{relation.related_model.__name__} still refers to synthetic rows")
    return queryset._raw_delete(queryset.db)


def purge() -> dict[str, int]:
    """Remove every synthetic row (and only those). Returns rows deleted per kind."""
    removed = {
        "exchange activities": _purge(
            ExchangeActivity, ExchangeActivity._base_manager.filter(synthetic())
        ),
        "partnerships": _purge(Partnership, Partnership._base_manager.filter(synthetic())),
        "practices": _purge(Practice, Practice._base_manager.filter(synthetic())),
        "monitor waves": _purge(Wave, Wave._base_manager.filter(synthetic())),
    }
    Organisation.objects.filter(slug=MARKER_ORGANISATION["slug"]).delete()
    return removed


# --------------------------------------------------------------------------- fingerprint


def counts() -> dict[str, int]:
    return {
        "practices": Practice.objects.filter(synthetic()).count(),
        "published practices": Practice.objects.filter(synthetic()).published().count(),
        "practice domains": Practice.domains.through.objects.filter(
            practice__slug__startswith=SLUG_PREFIX
        ).count(),
        "adoptions": Adoption.objects.filter(practice__slug__startswith=SLUG_PREFIX).count(),
        "partnerships": Partnership.objects.filter(synthetic()).count(),
        "partners": PartnershipPartner.objects.filter(
            partnership__slug__startswith=SLUG_PREFIX
        ).count(),
        "exchange activities": ExchangeActivity.objects.filter(synthetic()).count(),
        "activity sides": ActivitySide.objects.filter(
            activity__slug__startswith=SLUG_PREFIX
        ).count(),
        "monitor waves": Wave.objects.filter(synthetic()).count(),
        "invitations": Invitation.objects.filter(wave__slug__startswith=SLUG_PREFIX).count(),
        "submitted": Invitation.objects.filter(
            wave__slug__startswith=SLUG_PREFIX, submitted_at__isnull=False
        ).count(),
    }


def checksum() -> str:
    """SHA-256 over the generated content in a fixed order (ids and clocks left out)."""
    digest = hashlib.sha256()

    def feed(rows):
        for row in rows:
            digest.update(repr(row).encode())

    feed(
        Practice.objects.filter(synthetic())
        .order_by("slug")
        .values_list(
            "slug",
            "title",
            "summary",
            "body",
            "negative_lessons",
            "owner__slug",
            "maturity",
            "status",
            "kind",
            "tags",
            "search_terms",
        )  # fmt: skip
        .iterator(chunk_size=2000)
    )
    feed(
        Adoption.objects.filter(practice__slug__startswith=SLUG_PREFIX)
        .order_by("practice__slug", "organisation__slug")
        .values_list("practice__slug", "organisation__slug", "outcome")
    )
    feed(
        ActivitySide.objects.filter(activity__slug__startswith=SLUG_PREFIX)
        .order_by("activity__slug", "organisation__slug", "place__geonameid", "direction")
        .values_list(
            "activity__slug",
            "activity__title",
            "activity__start_date",
            "activity__partnership__slug",
            "organisation__slug",
            "place__geonameid",
            "direction",
            "hours",
            "balance_date",
        )  # fmt: skip
        .iterator(chunk_size=5000)
    )
    feed(
        Invitation.objects.filter(wave__slug__startswith=SLUG_PREFIX)
        .order_by("wave__slug", "cbs_code")
        .values_list("wave__slug", "cbs_code", "answers", "submitted_at")
    )
    return digest.hexdigest()


__all__ = [
    "FACILITATOR_ORGANISATION",
    "SLUG_PREFIX",
    "TAG",
    "TITLE_PREFIX",
    "checksum",
    "counts",
    "ensure_marker",
    "purge",
    "real_content",
]
