"""Synthetic monitor waves: closed waves with invitations and answers along the routing."""

import datetime
import random

from kennisschakel.engines import survey
from kennisschakel.engines.survey.instrument import MULTIPLE_TYPES
from kennisschakel.monitor import services as monitor_services
from kennisschakel.monitor.models import Instrument, Invitation, Wave
from kennisschakel.operations.scale import bulk, markers
from kennisschakel.operations.scale.plan import NOW, UTC, Plan
from kennisschakel.register.models import SizeScheme

TEXT_WORDS = ("stedenband", "jumelage", "euregio", "kennisdeling", "draagvlak", "subsidie")


def _answer(question: survey.Question, rng: random.Random):
    if question.code == "heeft_beleid":
        return "ja" if rng.random() < 0.77 else "nee"
    if question.type in MULTIPLE_TYPES:
        exclusive = [o.code for o in question.options if o.exclusive]
        if exclusive and rng.random() < 0.1:
            return [rng.choice(exclusive)]
        free = [o.code for o in question.options if not o.exclusive]
        most = question.max_choices or min(3, len(free))
        chosen = set(rng.sample(free, rng.randint(1, most)))
        return [code for code in question.option_codes if code in chosen]
    if question.options:
        return rng.choice(question.option_codes)
    if question.type == "scale":
        return rng.randint(question.scale_min, question.scale_max)
    if question.type == "number":
        low = question.min if question.min is not None else 0
        high = min(question.max if question.max is not None else 1000, low + 500)
        value = round(rng.uniform(low, high), question.decimals)
        return int(value) if question.decimals == 0 else value
    words = " ".join(rng.choice(TEXT_WORDS) for _ in range(rng.randint(1, 12)))
    return f"{markers.TITLE_PREFIX}{words}"[: question.max_length or 200]


def _response(instrument: survey.Instrument, rng: random.Random, share: float) -> dict:
    """Answers along the routing: required questions always, others mostly; ``share`` < 1
    stops part-way (someone who started and did not finish)."""
    values: dict = {}
    blocks = instrument.blocks[: max(1, int(len(instrument.blocks) * share))]
    for block in blocks:
        if not block.condition_met(values):
            continue
        for question in block.questions:
            if question.condition_met(values) and (question.required or rng.random() < 0.8):
                values[question.code] = _answer(question, rng)
    answers, _errors = survey.normalise_answers(instrument, values)
    return answers


def waves(plan: Plan) -> tuple[int, int, int]:
    """``plan.waves`` closed waves, one per year up to 2026, the newest of the ``gib``
    instrument; 45–80 % of the municipalities submitted, some more started."""
    rng = random.Random(plan.seed + 3)
    by_slug = {i.slug: i for i in Instrument.objects.all()}
    order = [by_slug[s] for s in ("gib", "kennisbeleid", "kennisdeling") if s in by_slug]
    order += [i for s, i in sorted(by_slug.items()) if i not in order]
    scheme = SizeScheme.objects.filter(slug="gib2009").first() or SizeScheme.objects.first()
    if not order or scheme is None:
        return 0, 0, 0
    invitations = submitted = 0
    for back in range(plan.waves):
        year = 2026 - back
        instrument = order[back % len(order)]
        engine = instrument.engine()
        reference = datetime.date(year, 1, 1)
        opens, closes = datetime.date(year, 3, 1), datetime.date(year, 6, 1)
        wave = Wave.objects.create(
            slug=f"{markers.SLUG_PREFIX}{instrument.slug}-{year}",
            instrument=instrument,
            title=f"{markers.TITLE_PREFIX}{instrument.title_nl} {year}",
            period=str(year - 1),
            reference_date=reference,
            size_scheme=scheme,
            opens_on=opens,
            closes_on=closes,
            # Closed by its (past) dates; marked announced so that no real municipality
            # is ever notified of a synthetic wave (monitor/schedule.py).
            opened_announced_at=NOW,
            closed_announced_at=NOW,
        )
        share = rng.uniform(0.45, 0.8)
        rows = []
        for member in monitor_services.population_on(reference, scheme):
            roll = rng.random()
            answers, started, done = {}, None, None
            if roll < share + 0.08:
                started = datetime.datetime.combine(
                    opens + datetime.timedelta(days=rng.randint(0, 60)), datetime.time(9), UTC
                )
                answers = _response(engine, rng, 1.0 if roll < share else rng.uniform(0.2, 0.7))
                if roll < share:
                    done = started + datetime.timedelta(days=rng.randint(0, 20))
            member = {k: v for k, v in member.items() if k != "municipality"} | {
                "municipality_id": member["municipality"].pk if member.get("municipality") else None
            }
            rows.append(
                {
                    "wave_id": wave.pk,
                    **member,
                    "answers": answers,
                    "invalid_input": {},
                    "started_at": started,
                    "saved_at": done or started,
                    "submitted_at": done,
                }
            )
            submitted += done is not None
        invitations += bulk.insert(Invitation, rows)
    return plan.waves, invitations, submitted
