"""Demo practices from the sources (``knowledge/data/practices.yaml``); idempotent.

Each practice cites where the source describes it. Loaded by
``kennisschakel seed`` unless --no-demo is given.
"""

from pathlib import Path

import yaml
from django.db import transaction

from kennisschakel.core.upsert import UpsertResult
from kennisschakel.knowledge.models import Practice
from kennisschakel.knowledge.services import save_practice
from kennisschakel.register.models import Organisation, PolicyDomain
from kennisschakel.register.services import resolve_place

DATA_FILE = Path(__file__).resolve().parent / "data" / "practices.yaml"


def _organisation(code_or_slug: str) -> Organisation:
    return Organisation.objects.get(slug=code_or_slug.lower())


def _practice_values(record: dict) -> dict:
    context = record.get("context") or {}
    return {
        "kind": record.get("kind", Practice.Kind.PRACTICE),
        "title": record["title"],
        "summary": record["summary"].strip(),
        "summary_en": (record.get("summary_en") or "").strip(),
        "body": (record.get("body") or "").strip(),
        "transfer": list(record.get("transfer") or []),
        "maturity": record.get("maturity") or "in-uitvoering",
        "effort_cost": record.get("effort_cost") or "",
        "period_start": record.get("period_start"),
        "period_end": record.get("period_end"),
        "context_urbanity": context.get("urbanity") or "",
        "context_legal_basis": context.get("legal_basis") or "",
        "context_partners": context.get("partners") or "",
        "negative_lessons": (record.get("negative_lessons") or "").strip(),
        "languages": list(record.get("languages") or ["nl"]),
        "tags": list(record.get("tags") or []),
        "source": record.get("source") or "",
        "status": Practice.Status.PUBLISHED,
    }


@transaction.atomic
def load_demo_practices(path: Path = DATA_FILE) -> UpsertResult:
    result = UpsertResult()
    if not path.exists():
        return result
    records = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    domains = {d.slug: d for d in PolicyDomain.objects.all()}
    for record in records:
        values = _practice_values(record)
        owner = _organisation(record["owner"])
        practice = Practice.objects.filter(slug=record["slug"]).first()
        if practice is not None:
            unchanged = practice.owner_id == owner.pk and all(
                getattr(practice, k) == v for k, v in values.items()
            )
            if unchanged:
                result.unchanged += 1
                continue
            result.updated += 1
        else:
            practice = Practice(slug=record["slug"])
            result.created += 1
        for name, value in values.items():
            setattr(practice, name, value)
        practice.owner = owner
        places = []
        for text in record.get("foreign_places") or []:
            name, _, country = text.rpartition(",")
            place = resolve_place(name.strip() or text, country=country.strip() or None)
            if place is not None:
                places.append(place)
        relations = {
            "domains": [domains[slug] for slug in record.get("domains") or []],
            "co_owners": [_organisation(code) for code in record.get("co_owners") or []],
            "foreign_places": places,
        }
        save_practice(practice, None, relations=relations, note="demo data")
    return result
