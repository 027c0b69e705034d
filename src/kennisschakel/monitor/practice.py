"""The practice wave: a closed wave of the 2009 monitor (instrument ``gib``) filled with
FICTITIOUS answers, so that the report and "where do we stand" show figures in a demo.

Nothing here is a municipality's real answer. The answers are drawn (seeded, so every
install gets the same ones) to match the distributions printed in source 004 (VNG,
"Mondiaal op eigen schaal", 2009) per size class, as ``reporting.compare_with_published``
lines them up with the instrument:

* who responds: per size class the printed response rate (004 Table 2.1, "procent") of
  today's municipalities in that class (the 2009 population no longer exists as such);
* a single-choice question: per size class (or, where only the total is printed, for
  all) as many respondents per option as the printed percentage of those asked, the
  rest of 100 % spread over the options the table does not print;
* a multiple-choice question: each option ticked by its printed share of those asked;
* a number: drawn around the printed mean (within the printed minimum and maximum);
* questions without a printed table: an option at random; open texts stay empty.

Routing is followed question by question, so only asked questions are answered. The
wave is flagged ``Wave.is_practice``: labelled on every page, PDF and export, and left
out of everything that shows real figures (docs/monitor-formats.md, "Practice wave").
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.utils import timezone

from kennisschakel.engines import survey
from kennisschakel.engines.survey.instrument import MULTIPLE_TYPES, SINGLE_TYPES
from kennisschakel.monitor import reporting, services
from kennisschakel.monitor.models import Instrument, Invitation, Wave
from kennisschakel.register.models import SizeScheme

PRACTICE_WAVE = "gib-oefengolf"
PRACTICE_TITLE = "Oefengolf — fictieve antwoorden"
#: The label every page, PDF and export of a practice wave carries.
PRACTICE_LABEL = "Oefengolf — fictieve antwoorden, geen echte gegevens"
SEED = 2009
#: An option no printed table gives a share: ticked this often (multiple choice).
UNPRINTED_SHARE = 0.1


def load_practice_wave(today: datetime.date | None = None) -> tuple[Wave, int] | None:
    """Create the practice wave once (closed: its dates lie before today) and fill it
    with fictitious answers: ``(wave, responses made)``, 0 when it existed already (later
    runs leave it as it is). None without the instrument."""
    today = today or timezone.localdate()
    instrument = Instrument.objects.filter(slug="gib").first()
    if instrument is None or not SizeScheme.objects.filter(slug="gib2009").exists():
        return None
    wave = Wave.objects.filter(slug=PRACTICE_WAVE).first()
    if wave is not None:
        return wave, 0
    with transaction.atomic():
        wave = services.create_wave(
            {
                "slug": PRACTICE_WAVE,
                "instrument": instrument,
                "title": PRACTICE_TITLE,
                "period": "2009 (fictief)",
                "reference_date": datetime.date(today.year, 1, 1),
                "opens_on": today - datetime.timedelta(days=60),
                "closes_on": today - datetime.timedelta(days=1),
                "is_practice": True,
            }
        )
        made = fill(wave)
    return wave, made


def _targets(wave: Wave) -> dict[str | None, dict[str, dict[str, float | None]]]:
    """``{question code (None: response): {row code: {column: printed value}}}`` from the
    first printed table each question reproduces (percentages and means only)."""
    targets: dict[str | None, dict[str, dict[str, float | None]]] = {}
    for entry in reporting.compare_with_published(wave, tables=reporting.wave_report(wave)):
        subject = entry["subject"]
        if subject in targets:
            continue
        rows = {}
        for row in entry["rows"]:
            cells = {
                cell["column"]: cell["printed"]
                for cell in row["cells"]
                if cell["unit"] in ("percent", "mean")
            }
            if cells:
                rows[row["code"]] = cells
        if rows:
            targets[subject] = rows
    return targets


def _column(rows: dict[str, dict[str, float | None]], size_class: str) -> dict[str, float]:
    """The printed values of one column: the size class's when it prints any, else the
    total's ({} when neither)."""
    for column in (size_class, survey.TOTAL):
        values = {code: cells.get(column) for code, cells in rows.items()}
        if any(value is not None for value in values.values()):
            return {code: value or 0.0 for code, value in values.items()}
    return {}


def _quotas(shares: dict[str, float], n: int) -> list[str]:
    """``n`` option codes in proportion to ``shares`` (largest remainder)."""
    total = sum(shares.values())
    if not n or total <= 0:
        return []
    exact = {code: n * share / total for code, share in shares.items()}
    counts = {code: int(value) for code, value in exact.items()}
    for code in sorted(exact, key=lambda c: counts[c] - exact[c])[: n - sum(counts.values())]:
        counts[code] += 1
    return [code for code, count in counts.items() for _ in range(count)]


def _single(question, printed: dict[str, float], n: int, rng: random.Random) -> list[str]:
    codes = question.option_codes
    shares = {code: printed[code] for code in codes if code in printed}
    unprinted = [code for code in codes if code not in printed]
    rest = max(0.0, 100.0 - sum(shares.values()))
    for code in unprinted:
        shares[code] = rest / len(unprinted) if shares else 1.0
    if sum(shares.values()) <= 0:
        shares = dict.fromkeys(codes, 1.0)
    chosen = _quotas(shares, n)
    rng.shuffle(chosen)
    return chosen


def _multiple(question, printed: dict[str, float], n: int, rng: random.Random) -> list[list]:
    ticked: list[set[str]] = [set() for _ in range(n)]
    for option in question.options:
        share = printed[option.code] / 100 if option.code in printed else UNPRINTED_SHARE
        # Respondents without a tick yet first: a required question then rarely needs
        # the fallback below, which would push one option above its printed share.
        order = rng.sample(range(n), n)
        order.sort(key=lambda index: bool(ticked[index]))
        for index in order[: round(n * share)]:
            ticked[index].add(option.code)
    common = max(
        (o for o in question.options if not o.exclusive),
        key=lambda o: printed.get(o.code, 0),
    )
    answers = []
    for chosen in ticked:
        exclusive = [o.code for o in question.options if o.exclusive and o.code in chosen]
        if exclusive:
            chosen = {exclusive[0]}
        if not chosen and question.required:
            chosen = {common.code}
        ordered = [code for code in question.option_codes if code in chosen]
        if question.max_choices and len(ordered) > question.max_choices:
            ordered = sorted(rng.sample(ordered, question.max_choices), key=ordered.index)
        answers.append(ordered or None)
    return answers


def _number(question, printed: dict[str, float], rng: random.Random) -> int | float | None:
    mean = printed.get("mean")
    if mean is None:
        return None
    low = max(printed.get("min", 0.0), question.min if question.min is not None else 0.0)
    high = printed.get("max", mean * 3)
    if question.max is not None:
        high = min(high, question.max)
    value = min(max(mean * rng.uniform(0.4, 1.6), low), max(high, low))
    value = round(value, question.decimals)
    return int(value) if question.decimals == 0 else value


def fictitious_answers(wave: Wave, seed: int = SEED) -> dict[int, dict[str, Any]]:
    """``{invitation pk: answers}`` for the respondents drawn (see the module docstring)."""
    rng = random.Random(seed)
    instrument = wave.instrument.engine()
    targets = _targets(wave)
    by_class: dict[str, list[Invitation]] = defaultdict(list)
    for invitation in wave.invitations.exclude(size_class="").order_by("cbs_code"):
        by_class[invitation.size_class].append(invitation)
    response = targets.get(None, {}).get("response", {})
    respondents: list[Invitation] = []
    for size_class, invitations in sorted(by_class.items()):
        rate = response.get(size_class) or response.get(survey.TOTAL) or 50.0
        count = int(survey.round_half_up(len(invitations) * rate / 100, 0))
        respondents.extend(rng.sample(invitations, min(count, len(invitations))))
    answers: dict[int, dict[str, Any]] = {invitation.pk: {} for invitation in respondents}
    for block in instrument.blocks:
        for question in block.questions:
            if question.type == "text":
                continue
            asked = defaultdict(list)
            for invitation in respondents:
                values = answers[invitation.pk]
                if block.condition_met(values) and question.condition_met(values):
                    asked[invitation.size_class].append(invitation)
            rows = targets.get(question.code, {})
            for size_class, group in sorted(asked.items()):
                printed = _column(rows, size_class)
                if question.type in SINGLE_TYPES:
                    drawn = _single(question, printed, len(group), rng)
                elif question.type in MULTIPLE_TYPES:
                    drawn = _multiple(question, printed, len(group), rng)
                elif question.type == "number":
                    drawn = [_number(question, printed, rng) for _ in group]
                else:  # scale
                    drawn = [rng.randint(question.scale_min, question.scale_max) for _ in group]
                for invitation, value in zip(group, drawn, strict=False):
                    if value is not None:
                        answers[invitation.pk][question.code] = value
    return answers


def fill(wave: Wave, seed: int = SEED) -> int:
    """Store the fictitious answers as submitted responses; returns how many."""
    instrument = wave.instrument.engine()
    closed = timezone.make_aware(datetime.datetime.combine(wave.closes_on, datetime.time(12)))
    rows = []
    for pk, raw in fictitious_answers(wave, seed).items():
        answers, errors = survey.normalise_answers(instrument, raw)
        if errors:  # never expected: the drawing follows the instrument's rules
            continue
        rows.append(
            Invitation(
                pk=pk, answers=answers, started_at=closed, saved_at=closed, submitted_at=closed
            )
        )
    Invitation.objects.bulk_update(
        rows, ["answers", "started_at", "saved_at", "submitted_at"], batch_size=200
    )
    return len(rows)
