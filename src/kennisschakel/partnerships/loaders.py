"""Demo partnerships, network memberships and exchanges from the sources; idempotent.

Reads ``partnerships/data/partnerships.yaml``. Records whose parties cannot
be resolved (a place abroad below the loaded population threshold, say) are
skipped and counted, never guessed. No figures are added that the sources
do not give.
"""

from decimal import Decimal
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from kennisschakel.core.upsert import UpsertResult
from kennisschakel.engines.text.folding import fold
from kennisschakel.partnerships import services
from kennisschakel.partnerships.models import (
    ExchangeActivity,
    Motive,
    NetworkMembership,
    Partnership,
)
from kennisschakel.register.models import Country, ForeignPlace, Organisation, PolicyDomain

DATA_FILE = Path(__file__).resolve().parent / "data" / "partnerships.yaml"
# Our English labels for the motives, kept apart from the sourced Dutch ones.
MOTIVE_LABELS_EN_FILE = Path(__file__).resolve().parent / "data" / "motive_labels_en.yaml"


def motive_labels_en(path: Path = MOTIVE_LABELS_EN_FILE) -> dict[str, str]:
    if not path.exists():
        return {}
    return (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("labels") or {}


PARTNERSHIP_FIELDS = [
    "name", "kind", "status", "start_year", "end_year", "end_reason", "started_by",
    "translocal_link", "network_model", "policy_fields", "funding", "local_organisations",
    "notes", "source",
]  # fmt: skip


def _party(text: str):
    return services.parse_party(
        text if ":" in text or text.upper().startswith("GM") else f"org:{text}"
    )


def _add_named_place(record: dict) -> None:
    """A local government abroad that the sources name and GeoNames' town list lacks."""
    country = Country.objects.filter(iso2=record["country"]).first()
    if country is None:
        return
    folded = fold(record["name"])
    ForeignPlace.objects.get_or_create(
        country=country,
        search_names=f"|{folded}|",
        defaults={
            "name": record["name"],
            "name_variants": [record["name"]],
            "source": record["source"],
        },
    )


ACTIVITY_FIELDS = [
    "form", "title", "year", "costs", "subsidy", "subsidy_programme", "learning_goals",
    "outcomes", "source",
]  # fmt: skip


def _activity_values(record: dict) -> dict:
    """An activity record as model values; amounts only where the source gives them."""
    values = {
        "slug": record["slug"],
        "partnership": Partnership.objects.filter(slug=record.get("partnership") or "").first(),
        "form": record.get("form") or "werkbezoek",
        "title": record["title"],
        "year": record.get("year"),
        "learning_goals": record.get("learning_goals") or "",
        "outcomes": record.get("outcomes") or "",
        "subsidy_programme": record.get("subsidy_programme") or "",
        "source": record.get("source", ""),
    }
    for amount in ("costs", "subsidy"):
        if record.get(amount) is not None:
            values[amount] = Decimal(str(record[amount]))
    return values


def _from_sources(activity: ExchangeActivity) -> bool:
    return (
        activity.logged_by_id is None
        and activity.logged_by_organisation_id is None
        and activity.version == 1
    )


def _refresh(activity: ExchangeActivity, values: dict) -> bool:
    """Bring a row loaded from the sources in line with the data file; True if it changed."""
    changed = [name for name in ACTIVITY_FIELDS if getattr(activity, name) != values.get(name)]
    if not changed:
        return False
    for name in changed:
        setattr(activity, name, values.get(name))
    activity.save(update_fields=changed)
    services.sync_balance_dates(activity)  # a year found later moves it into the balance
    return True


def _refresh_partnership(partnership: Partnership, record: dict) -> bool:
    if partnership.created_by_id is not None or partnership.version != 1:
        return False
    changed = [
        name
        for name in PARTNERSHIP_FIELDS
        if record.get(name) is not None and getattr(partnership, name) != record[name]
    ]
    for name in changed:
        setattr(partnership, name, record[name])
    if changed:
        partnership.save(update_fields=changed)
    return bool(changed)


@transaction.atomic
def load_demo_partnerships(path: Path = DATA_FILE) -> UpsertResult:
    result = UpsertResult()
    if not path.exists():
        return result
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    labels_en = motive_labels_en()
    for position, motive in enumerate(data.get("motives") or []):
        Motive.objects.update_or_create(
            slug=motive["slug"],
            defaults={
                "label_nl": motive["label_nl"],
                "label_en": motive.get("label_en") or labels_en.get(motive["slug"], ""),
                "position": position,
                "source": motive.get("source", ""),
            },
        )
    motives = {m.slug: m for m in Motive.objects.all()}
    domains = {d.slug: d for d in PolicyDomain.objects.all()}
    for record in data.get("foreign_places") or []:
        _add_named_place(record)

    skipped: list[str] = []
    for record in data.get("partnerships") or []:
        existing = Partnership.objects.filter(slug=record["slug"]).first()
        if existing is not None:
            # As for exchanges below: a row from the sources that nobody changed follows
            # corrections of the data file (its plain fields, not its partners).
            if _refresh_partnership(existing, record):
                result.updated += 1
            else:
                result.unchanged += 1
            continue
        try:
            partners = [_party(p) for p in record["partners"]]
            values = {f: record.get(f) for f in PARTNERSHIP_FIELDS if record.get(f) is not None}
            values["slug"] = record["slug"]
            ambassador = record.get("council_ambassador")
            values["council_ambassador"] = (
                "raadsambassadeur (naam niet in de bron)"
                if ambassador is True
                else (ambassador or "")
            )
            services.create_partnership(
                values,
                partners,
                motives=[motives[s] for s in record.get("motives") or [] if s in motives],
                domains=[domains[s] for s in record.get("domains") or [] if s in domains],
            )
            result.created += 1
        except ValidationError as error:
            # A party that cannot be resolved: skipped and reported, see the docstring.
            skipped.append(f"{record['slug']}: {' '.join(error.messages)}")

    organisations = {o.slug: o for o in Organisation.objects.all()}
    for record in data.get("network_memberships") or []:
        member = organisations.get(str(record["member"]).lower())
        network = organisations.get(record["network"])
        if member is None or network is None:
            continue
        membership, created = NetworkMembership.objects.get_or_create(
            member=member,
            network=network,
            defaults={
                "role": record.get("role") or "member",
                "since": record.get("since"),
                "until": record.get("until"),
                "source": record.get("source", ""),
            },
        )
        if created:
            membership.themes.set([domains[s] for s in record.get("themes") or [] if s in domains])
            result.created += 1
        else:
            result.unchanged += 1

    for record in data.get("activities") or []:
        values = _activity_values(record)
        existing = ExchangeActivity.objects.filter(slug=record["slug"]).first()
        if existing is not None:
            # Rows loaded from the sources (no user, no organisation logged them) follow
            # corrections of the data file, e.g. a year or amount found in a source;
            # rows a user logged or changed are never touched.
            if _from_sources(existing) and _refresh(existing, values):
                result.updated += 1
            else:
                result.unchanged += 1
            continue
        try:
            sides = [
                services.SideInput(
                    _party(side["party"]),
                    side.get("direction") or "mutual",
                    side.get("participants"),
                    side.get("hours"),
                )
                for side in record["sides"]
            ]
            services.log_activity(values, sides)
            result.created += 1
        except ValidationError as error:
            # A party that cannot be resolved (see the docstring): skipped and reported.
            skipped.append(f"{record['slug']}: {' '.join(error.messages)}")
    result.objects["skipped"] = skipped
    return result
