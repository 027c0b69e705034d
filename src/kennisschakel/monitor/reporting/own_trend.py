"""A municipality's own answers over the waves of an instrument beside its size class."""

from __future__ import annotations

from kennisschakel.engines import survey
from kennisschakel.monitor.models import Invitation
from kennisschakel.monitor.reporting.benchmark import construct_score
from kennisschakel.monitor.reporting.tables import respondents_of
from kennisschakel.monitor.reporting.trend import trend_waves, wave_labels

#
# "Where do we stand" over time: per question, the municipality's own answer in each
# wave of the instrument beside a figure of its size class in that wave — the median
# (scale, number, construct) or the share that gave the same answer (single, band).
# Our own figures, not printed ones: rounded by the default rule (half up; medians 1
# decimal, shares 0). A size-class figure over fewer than the wave's ``min_cell``
# respondents is suppressed (None, ``suppressed``), as in the report. Only aggregates
# of other municipalities appear; the own line is this municipality's (its cbs_code).

TREND_TYPES = ("scale", "number", "single", "band")


def _median(values: list[float]) -> float:
    ordered, middle = sorted(values), len(values) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


def _trend_value(kind: str, subject, values: dict, numeric: bool):
    """A respondent's figure for the trend: score, number, or option code."""
    if kind == "construct":
        return construct_score(subject, values)
    value = values.get(subject.code)
    if numeric and (isinstance(value, bool) or not isinstance(value, int | float)):
        return None
    return value


def own_trend(invitation: Invitation) -> list[dict]:
    """The municipality's answers over the waves of this instrument beside its size
    class; ``[]`` with one wave. One entry per question or construct that it answered
    in at least one wave::

        {"code", "subject": "question" | "construct", "type", "title_nl", "title_en",
         "measure": "median" | "share", "unit": "mean" | "percent", "decimals",
         "own_decimals",
         "waves": [{"wave", "label", "size_class", "own", "own_labels_nl",
                    "own_labels_en", "class_value", "class_n", "suppressed"}]}

    ``own``: the answer (number, or option code); ``class_value``: the class median or
    the % of the class answering as the municipality did (None when it did not answer,
    or suppressed); ``class_n``: respondents it is computed over (None if suppressed).
    """
    # Practice waves (fictitious answers) and real ones never share a line.
    practice = getattr(invitation.wave, "is_practice", False)
    waves = [
        w for w in trend_waves(invitation.wave) if getattr(w, "is_practice", False) == practice
    ]
    if len(waves) < 2:
        return []
    instrument = invitation.wave.instrument.engine()
    own_rows = {
        wave_id: (size_class, answers, submitted)
        for wave_id, size_class, answers, submitted in Invitation.objects.filter(
            wave__in=waves, cbs_code=invitation.cbs_code
        ).values_list("wave_id", "size_class", "answers", "submitted_at")
    }
    per_wave = []
    for wave in waves:
        size_class, answers, submitted = own_rows.get(wave.pk, ("", {}, None))
        if wave.pk == invitation.wave_id:  # as on the rest of the page
            size_class, answers, submitted = invitation.size_class, invitation.answers, True
        own = instrument.effective_answers(answers or {}) if submitted else {}
        peers = [
            instrument.effective_answers(r.answers)
            for r in respondents_of(wave)
            if size_class and r.group == size_class
        ]
        per_wave.append((wave, size_class or None, own, peers))
    labels = wave_labels(waves)
    subjects = [("question", q) for q in instrument.questions if q.type in TREND_TYPES]
    subjects += [("construct", c) for c in instrument.constructs]
    result = []
    for kind, subject in subjects:
        numeric = kind == "construct" or subject.type in ("scale", "number")

        def value_of(values: dict, subject=subject, kind=kind, numeric=numeric):
            return _trend_value(kind, subject, values, numeric)

        rows = []
        for (wave, size_class, own, peers), label in zip(per_wave, labels, strict=True):
            mine = value_of(own)
            answered = [v for v in (value_of(p) for p in peers) if v is not None]
            suppressed = len(answered) < wave.min_cell
            class_value = None
            if not suppressed and numeric:
                class_value = survey.round_half_up(
                    _median(answered), survey.DEFAULT_DECIMALS["mean"]
                )
            elif not suppressed and mine is not None:
                same = sum(1 for v in answered if v == mine)
                class_value = survey.round_half_up(
                    100 * same / len(answered), survey.DEFAULT_DECIMALS["percent"]
                )
            option = None if numeric or mine is None else subject.option(mine)
            rows.append(
                {
                    "wave": wave.slug,
                    "label": label,
                    "size_class": size_class,
                    "own": (
                        survey.round_half_up(mine, 2) if numeric and mine is not None else mine
                    ),
                    "own_labels_nl": [option.label_nl] if option else [],
                    "own_labels_en": [option.label_en] if option else [],
                    "class_value": class_value,
                    "class_n": None if suppressed or not size_class else len(answered),
                    "suppressed": bool(size_class) and suppressed,
                }
            )
        if not any(row["own"] is not None for row in rows):
            continue
        result.append(
            {
                "code": subject.code,
                "subject": kind,
                "type": "construct" if kind == "construct" else subject.type,
                "title_nl": subject.label_nl if kind == "construct" else subject.text_nl,
                "title_en": subject.label_en if kind == "construct" else subject.text_en,
                "measure": "median" if numeric else "share",
                "unit": "mean" if numeric else "percent",
                "decimals": survey.DEFAULT_DECIMALS["mean" if numeric else "percent"],
                # The own answer as it was given (a construct score: 2 decimals).
                "own_decimals": 2 if kind == "construct" else getattr(subject, "decimals", 0) or 0,
                "waves": rows,
            }
        )
    return result
