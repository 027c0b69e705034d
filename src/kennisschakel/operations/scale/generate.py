"""Generate SYNTHETIC national-scale data: practices, adoptions, exchanges (monitor waves:
``waves.py``).

One seeded ``random.Random`` per part, consumed in a fixed order, so the same seed
and counts give the same rows (ids aside). Rows go in through ``bulk.insert``
(COPY on PostgreSQL). A practice's derived columns (search terms, plain-text body)
are computed as ``knowledge.services.save_practice`` computes them — by the same
functions, on unsaved ``Practice`` objects, in worker processes when ``jobs`` > 1.
"""

import datetime
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from kennisschakel.knowledge.models import Adoption, Maturity, Practice, TransferCategory
from kennisschakel.operations.scale import bulk, markers
from kennisschakel.operations.scale.plan import NOW, UTC, Plan
from kennisschakel.operations.scale.texts import vocabulary
from kennisschakel.partnerships.models import (
    ActivitySide,
    ExchangeActivity,
    ExchangeForm,
    Partnership,
    PartnershipPartner,
)
from kennisschakel.register.models import ForeignPlace, Municipality, PolicyDomain

PRACTICE_CHUNK = 2000
EXCHANGE_CHUNK = 50_000


@dataclass
class Party:
    organisation_id: int | None = None
    place_id: int | None = None
    name: str = ""


def _municipalities() -> list[tuple[int, str, int]]:
    """(organisation id, name, inhabitants) of the 342, in CBS-code order."""
    return [
        (m.organisation_id, m.name, m.inhabitants or 10_000)
        for m in Municipality.objects.order_by("cbs_code")
    ]


def _weights(municipalities) -> list[float]:
    # Bigger municipalities share more, but not in proportion to their size.
    return list(itertools.accumulate(inhabitants**0.6 for *_, inhabitants in municipalities))


def _moment(rng: random.Random, earliest_year: int = 2008) -> datetime.datetime:
    start = datetime.datetime(earliest_year, 1, 1, tzinfo=UTC)
    return start + datetime.timedelta(seconds=rng.randint(0, int((NOW - start).total_seconds())))


# --------------------------------------------------------------------------- practices


def _derived(rows: list[dict]) -> list[dict]:
    """Search terms and the other columns save_practice derives from the texts, by the
    knowledge app's own function (``prepare_for_search``, or ``analyse`` where a tree
    has only that). Runs in worker processes: no database access."""
    from kennisschakel.knowledge import search

    prepare = getattr(search, "prepare_for_search", None)
    derived = [f.attname for f in Practice._meta.concrete_fields if f.attname in DERIVED]
    for row in rows:
        practice = Practice(**{k: v for k, v in row.items() if not k.startswith("_")})
        if prepare is not None:
            prepare(practice)
        else:
            practice.search_terms = search.analyse(practice)
        for name in derived:
            row[name] = getattr(practice, name)
    return rows


# Columns that save_practice fills from the texts (those this tree's model has).
DERIVED = ("search_terms", "body_text")


@dataclass(frozen=True)
class PracticeContext:
    """What every practice draws from, read once from the database (sent to workers)."""

    municipalities: list
    cumulative: list
    domains: list
    places: list


def _practice_context() -> PracticeContext:
    municipalities = _municipalities()
    return PracticeContext(
        municipalities=municipalities,
        cumulative=_weights(municipalities),
        domains=list(PolicyDomain.objects.order_by("slug").values_list("pk", flat=True)),
        places=list(
            ForeignPlace.objects.order_by("-population", "pk").values_list("pk", flat=True)[:3000]
        ),
    )


MATURITIES = [m.value for m in Maturity]
MATURITY_WEIGHTS = [2, 6, 21, 19, 15]
TRANSFER = [c.value for c in TransferCategory if c != TransferCategory.NEGATIVE_LESSONS]
URBANITY = ["", "", "stedelijk", "middelgroot", "landelijk"]


def _practice(plan: Plan, context: PracticeContext, number: int, pk: int) -> dict:
    """Practice ``number``: its own RNG (seed and number), so any process can make it."""
    rng = random.Random(plan.seed * 10_000_000 + number)
    words = vocabulary()
    owner_id, owner_name, _ = rng.choices(context.municipalities, cum_weights=context.cumulative)[0]
    lesson = rng.random() < 0.2
    negative = lesson or rng.random() < 0.12
    roll = rng.random()
    status = "published" if roll < 0.94 else ("draft" if roll < 0.98 else "archived")
    created = _moment(rng)
    published = created + datetime.timedelta(days=rng.randint(0, 30))
    published = min(published, NOW) if status != "draft" else None
    start_year = rng.randint(2005, 2026)
    title = words.titles.title(rng)
    if rng.random() < 0.3:
        title = f"{title} in {owner_name}"
    co_owner = None
    if rng.random() < 0.05:
        co_owner = rng.choices(context.municipalities, cum_weights=context.cumulative)[0][0]
    return {
        "id": pk,
        "slug": f"{markers.SLUG_PREFIX}praktijk-{number:06d}",
        "kind": "les" if lesson else "praktijk",
        "title": (markers.TITLE_PREFIX + title)[:200],
        "summary": words.summaries.paragraph(rng, rng.randint(25, 45))[:1000],
        "body": words.body(rng, rng.randint(90, 240)),
        "owner_id": owner_id,
        "transfer": sorted(rng.sample(TRANSFER, rng.randint(1, 3)))
        + (["negatieve-lessen"] if negative else []),
        "maturity": rng.choices(MATURITIES, weights=MATURITY_WEIGHTS)[0],
        "effort_cost": rng.choice(words.effort) if words.effort and rng.random() < 0.3 else "",
        "period_start": start_year,
        "period_end": start_year + rng.randint(0, 4) if rng.random() < 0.6 else None,
        "context_urbanity": rng.choice(URBANITY),
        "context_partners": rng.choice(words.partners) if rng.random() < 0.5 else "",
        "negative_lessons": words.lessons.paragraph(rng, rng.randint(20, 60)) if negative else "",
        "languages": ["nl", "en"] if rng.random() < 0.1 else ["nl"],
        "tags": [markers.TAG, *rng.sample(words.tags, min(len(words.tags), rng.randint(1, 3)))],
        "source": markers.SOURCE,
        "status": status,
        "created_at": created,
        "updated_at": published or created,
        "published_at": published,
        "_domains": rng.sample(context.domains, min(len(context.domains), rng.randint(1, 3))),
        "_co_owner": co_owner if co_owner != owner_id else None,
        "_place": rng.choice(context.places) if context.places and rng.random() < 0.06 else None,
    }


def _make_chunk(task) -> list[dict]:
    """Generate practices ``start``..``end`` and derive their columns (in a worker)."""
    plan, context, first_id, start, end = task
    return _derived(
        [_practice(plan, context, number, first_id + number - 1) for number in range(start, end)]
    )


def _tasks(plan: Plan, context: PracticeContext, first_id: int):
    for start in range(1, plan.practices + 1, PRACTICE_CHUNK):
        yield plan, context, first_id, start, min(plan.practices + 1, start + PRACTICE_CHUNK)


def practices(plan: Plan, pool=None, report: Callable[[str], None] = print) -> list[tuple]:
    """Insert the practices with their relations; returns (id, owner, published_at) of the
    published ones (for adoptions)."""
    tasks = _tasks(plan, _practice_context(), bulk.next_id(Practice))
    analysed = pool.imap(_make_chunk, tasks) if pool is not None else map(_make_chunk, tasks)
    through = {name: getattr(Practice, name).through for name in ("domains", "co_owners")}
    places_through = Practice.foreign_places.through
    published = []
    done = 0
    for rows in analysed:
        bulk.insert(Practice, ({k: v for k, v in r.items() if not k.startswith("_")} for r in rows))
        bulk.insert(
            through["domains"],
            ({"practice_id": r["id"], "policydomain_id": d} for r in rows for d in r["_domains"]),
        )
        bulk.insert(
            through["co_owners"],
            (
                {"practice_id": r["id"], "organisation_id": r["_co_owner"]}
                for r in rows
                if r["_co_owner"] and r["_co_owner"] != r["owner_id"]
            ),
        )
        bulk.insert(
            places_through,
            ({"practice_id": r["id"], "foreignplace_id": r["_place"]} for r in rows if r["_place"]),
        )
        published.extend(
            (r["id"], r["owner_id"], r["published_at"]) for r in rows if r["status"] == "published"
        )
        done += len(rows)
        if done % 20_000 < PRACTICE_CHUNK:
            report(f"  practices: {done:,}")
    bulk.move_sequence(Practice)
    return published


def adoptions(plan: Plan, published: list[tuple]) -> int:
    """About one adoption per eight practices, by other municipalities, each pair once."""
    rng = random.Random(plan.seed + 1)
    organisations = [organisation for organisation, *_ in _municipalities()]
    outcomes = [o.value for o in Adoption.Outcome]
    good = ["lost-ons-probleem-op", "bewezen", "weinig-kosten"]
    bad = ["geen-tijd-of-geld", "geen-prioriteit", "past-niet"]
    wanted = len(published) // 8
    seen: set[tuple[int, int]] = set()
    rows = []
    while published and len(rows) < wanted:
        practice_id, owner_id, when = rng.choice(published)
        organisation = rng.choice(organisations)
        if organisation == owner_id or (practice_id, organisation) in seen:
            continue
        seen.add((practice_id, organisation))
        outcome = rng.choices(outcomes, weights=[45, 35, 20])[0]
        created = min(NOW, when + datetime.timedelta(days=rng.randint(10, 900)))
        rows.append(
            {
                "practice_id": practice_id,
                "organisation_id": organisation,
                "outcome": outcome,
                "reasons": rng.sample(bad if outcome == "afgezien" else good, rng.randint(1, 2)),
                "note": f"{markers.TITLE_PREFIX.strip()} gegenereerde overname",
                "created_at": created,
            }
        )
    return bulk.insert(Adoption, rows)


# --------------------------------------------------------------------------- exchanges

FORM_TITLES = {
    "ambtelijke-uitwisseling": "Ambtelijke uitwisseling",
    "detachering": "Detachering",
    "bijeenkomst": "Bijeenkomst",
    "delegatiebezoek": "Delegatiebezoek",
    "conferentie-of-training": "Bijdrage aan training",
    "werkbezoek": "Werkbezoek",
    "collega-uitwisseling": "Collega-uitwisseling",
    "visitatie": "Visitatie",
    "peer-review": "Peer review",
}


def _partnerships(plan: Plan, rng: random.Random) -> list[list[Party]]:
    municipalities = _municipalities()
    cumulative = _weights(municipalities)
    places = list(
        ForeignPlace.objects.order_by("-population", "pk").values_list("pk", "name")[:4000]
    )
    count = max(10, plan.exchanges // 200)
    first_id = bulk.next_id(Partnership)
    rows, partners, parties_of = [], [], []
    for number in range(count):
        organisation, name, _ = rng.choices(municipalities, cum_weights=cumulative)[0]
        parties = [Party(organisation_id=organisation, name=name)]
        roll = rng.random()
        if places and roll < 0.75:
            place, place_name = rng.choice(places)
            parties.append(Party(place_id=place, name=place_name))
            kind = rng.choice(["stedenband", "vriendschapsband", "projectpartnerschap"])
        else:
            other, other_name, _ = rng.choice(municipalities)
            while other == organisation:
                other, other_name, _ = rng.choice(municipalities)
            parties.append(Party(organisation_id=other, name=other_name))
            kind = rng.choice(["regionaal", "projectpartnerschap"])
        if places and roll > 0.95:
            place, place_name = rng.choice(places)
            parties.append(Party(place_id=place, name=place_name))
        pk = first_id + number
        status = rng.choices(["actief", "slapend", "beeindigd"], weights=[80, 10, 10])[0]
        rows.append(
            {
                "id": pk,
                "slug": f"{markers.SLUG_PREFIX}partnerschap-{number + 1:05d}",
                "name": f"{markers.TITLE_PREFIX}{' – '.join(p.name for p in parties)}"[:200],
                "kind": kind,
                "status": status,
                "start_year": rng.randint(1960, 2024),
                "policy_fields": rng.sample(
                    [f.value for f in Partnership.PolicyField], rng.randint(1, 2)
                ),
                "source": markers.SOURCE,
                "updated_at": _moment(rng),
            }
        )
        for party in parties:
            partners.append(
                {
                    "partnership_id": pk,
                    "organisation_id": party.organisation_id,
                    "place_id": party.place_id,
                    "status": "confirmed",
                }
            )
        parties_of.append((pk, parties))
    bulk.insert(Partnership, rows)
    bulk.insert(PartnershipPartner, partners)
    bulk.move_sequence(Partnership)
    return parties_of, municipalities, places


def _day(rng: random.Random) -> datetime.date:
    # More recent years more often (triangular towards the end).
    start = datetime.date(2000, 1, 1)
    span = (NOW.date() - start).days
    return start + datetime.timedelta(days=int(rng.triangular(0, span, span)))


def exchanges(plan: Plan, report: Callable[[str], None] = print) -> tuple[int, int, int]:
    """Partnerships (one per ~200 exchanges) and the exchanges with one side per party."""
    rng = random.Random(plan.seed + 2)
    parties_of, municipalities, places = _partnerships(plan, rng)
    # A few partnerships are busy, most are quiet.
    cumulative = list(
        itertools.accumulate(1 / (rank + 1) ** 0.8 for rank in range(len(parties_of)))
    )
    topics = [
        name.lower()
        for name in PolicyDomain.objects.order_by("slug").values_list("name_nl", flat=True)
    ]
    topics = topics or ["kennisdeling"]
    forms = [f.value for f in ExchangeForm]
    first_id = bulk.next_id(ExchangeActivity)
    sides_total = 0
    for start in range(0, plan.exchanges, EXCHANGE_CHUNK):
        activities, sides = [], []
        for number in range(start, min(plan.exchanges, start + EXCHANGE_CHUNK)):
            pk = first_id + number
            if rng.random() < 0.9:
                partnership, parties = rng.choices(parties_of, cum_weights=cumulative)[0]
            else:
                partnership = None
                organisation, name, _ = rng.choice(municipalities)
                if places and rng.random() < 0.5:
                    place, place_name = rng.choice(places)
                    other = Party(place_id=place, name=place_name)
                else:
                    other_organisation, other_name, _ = rng.choice(municipalities)
                    other = Party(organisation_id=other_organisation, name=other_name)
                parties = [Party(organisation_id=organisation, name=name), other]
            form = rng.choice(forms)
            roll = rng.random()
            day = _day(rng) if roll < 0.88 else None
            year = day.year if day else (rng.randint(2000, 2026) if roll < 0.95 else None)
            confirmation = rng.choices(["confirmed", "pending", "disputed"], weights=[75, 20, 5])[0]
            balance_date = None
            if confirmation != "disputed":
                balance_date = day or (datetime.date(year, 1, 1) if year else None)
            logger = next((p.organisation_id for p in parties if p.organisation_id), None)
            activities.append(
                {
                    "id": pk,
                    "slug": f"{markers.SLUG_PREFIX}uitwisseling-{number + 1:07d}",
                    "partnership_id": partnership,
                    "form": form,
                    "title": f"{markers.TITLE_PREFIX}{FORM_TITLES[form]} over {rng.choice(topics)}",
                    "start_date": day,
                    "end_date": day + datetime.timedelta(days=rng.randint(0, 4))
                    if day and rng.random() < 0.6
                    else None,
                    "year": year,
                    "costs": Decimal(rng.randint(100, 20_000)) if rng.random() < 0.3 else None,
                    "confirmation": confirmation,
                    "source": markers.SOURCE,
                    "logged_by_organisation_id": logger,
                    "created_at": datetime.datetime.combine(
                        day or datetime.date(year or 2020, 1, 1), datetime.time(12), tzinfo=UTC
                    ),
                }
            )
            pattern = rng.random()
            for index, party in enumerate(parties):
                if pattern < 0.2:
                    direction = "mutual"
                elif (index == 0) == (pattern < 0.6):
                    direction = "gave"
                else:
                    direction = "received"
                sides.append(
                    {
                        "activity_id": pk,
                        "organisation_id": party.organisation_id,
                        "place_id": party.place_id,
                        "direction": direction,
                        "participants": rng.randint(1, 12) if rng.random() < 0.8 else None,
                        "hours": Decimal(rng.randint(5, 400)) / 10 if rng.random() < 0.85 else None,
                        "balance_date": balance_date,
                    }
                )
        bulk.insert(ExchangeActivity, activities)
        bulk.insert(ActivitySide, sides)
        sides_total += len(sides)
        report(f"  exchanges: {start + len(activities):,} ({sides_total:,} sides)")
    bulk.move_sequence(ExchangeActivity)
    return len(parties_of), plan.exchanges, sides_total
