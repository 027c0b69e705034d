"""Routing conditions in words, for the facilitator's preview of a questionnaire.

Plain Python; no Django. Questions are numbered 1, 2, … in instrument order (as on a
printed questionnaire), and a condition reads as the respondent's answers would:

* ``{question: heeft_beleid, equals: ja}``          → "vraag 3 = Ja"
* ``{question: q, in: [a, b]}``                     → "vraag 3 = A of B"
* ``{question: q, includes: west_europa}``          → "bij vraag 12 is ‘West-Europa’ gekozen"
* ``{question: q, answered: true}`` / ``false``     → "vraag 5 is beantwoord" / "niet beantwoord"
* ``{question: q, gte: 10}`` / ``lte``              → "vraag 7 is 10 of meer" / "of minder"
* ``not`` / ``all`` / ``any``                        → "niet (…)", "… en …", "… of …"

Dutch by default; ``lang="en"`` gives English (option labels in their English wording
where the instrument has one). :func:`only_if` makes the sentence "Alleen als …".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .model import Instrument, Question

PHRASES = {
    "nl": {
        "question": "vraag {n}",
        "equals": "{q} = {value}",
        "not_equals": "{q} is niet {value}",
        "or": " of ",
        "and": " en ",
        "includes": "bij {q} is ‘{value}’ gekozen",
        "not_includes": "bij {q} is ‘{value}’ niet gekozen",
        "answered": "{q} is beantwoord",
        "unanswered": "{q} is niet beantwoord",
        "gte": "{q} is {value} of meer",
        "lte": "{q} is {value} of minder",
        "not": "niet ({inner})",
        "only_if": "Alleen als {words}",
        "decimal": ",",
    },
    "en": {
        "question": "question {n}",
        "equals": "{q} = {value}",
        "not_equals": "{q} is not {value}",
        "or": " or ",
        "and": " and ",
        "includes": "‘{value}’ is chosen at {q}",
        "not_includes": "‘{value}’ is not chosen at {q}",
        "answered": "{q} is answered",
        "unanswered": "{q} is not answered",
        "gte": "{q} is {value} or more",
        "lte": "{q} is {value} or less",
        "not": "not ({inner})",
        "only_if": "Only if {words}",
        "decimal": ".",
    },
}


def question_number(question: Question) -> int:
    """The question's number as the preview shows it (1-based, instrument order)."""
    return question.index + 1


def condition_words(instrument: Instrument, condition: Mapping[str, Any], lang: str = "nl") -> str:
    """The condition in words (without "Alleen als")."""
    return _Words(instrument, PHRASES.get(lang, PHRASES["nl"]), lang).say(condition)


def only_if(instrument: Instrument, condition: Mapping[str, Any] | None, lang: str = "nl") -> str:
    """ "Alleen als …" for a condition; "" when there is none."""
    if not condition:
        return ""
    phrases = PHRASES.get(lang, PHRASES["nl"])
    return phrases["only_if"].format(words=condition_words(instrument, condition, lang))


class _Words:
    def __init__(self, instrument: Instrument, phrases: dict, lang: str):
        self.instrument = instrument
        self.phrases = phrases
        self.lang = lang

    def say(self, condition: Mapping[str, Any], nested: bool = False) -> str:
        p = self.phrases
        if "all" in condition or "any" in condition:
            key = "all" if "all" in condition else "any"
            joined = p["and" if key == "all" else "or"].join(
                self.say(part, nested=True) for part in condition[key]
            )
            return f"({joined})" if nested and len(condition[key]) > 1 else joined
        if "not" in condition:
            inner = condition["not"]
            # The common negations read better flipped than as "niet (…)".
            if "equals" in inner:
                return p["not_equals"].format(**self._leaf(inner, inner["equals"]))
            if "includes" in inner:
                return p["not_includes"].format(**self._leaf(inner, inner["includes"]))
            if "answered" in inner:
                return self.say({**inner, "answered": not inner["answered"]}, nested)
            return p["not"].format(inner=self.say(inner))
        if "equals" in condition:
            return p["equals"].format(**self._leaf(condition, condition["equals"]))
        if "in" in condition:
            question = self.instrument.question(condition["question"])
            value = p["or"].join(self._value(question, v) for v in condition["in"])
            return p["equals"].format(q=self._q(question), value=value)
        if "includes" in condition:
            return p["includes"].format(**self._leaf(condition, condition["includes"]))
        if "answered" in condition:
            question = self.instrument.question(condition["question"])
            return p["answered" if condition["answered"] else "unanswered"].format(
                q=self._q(question)
            )
        for operator in ("gte", "lte"):
            if operator in condition:
                return p[operator].format(**self._leaf(condition, condition[operator]))
        raise ValueError(f"not a condition: {condition!r}")

    def _leaf(self, condition: Mapping[str, Any], value: Any) -> dict:
        question = self.instrument.question(condition["question"])
        return {"q": self._q(question), "value": self._value(question, value)}

    def _q(self, question: Question) -> str:
        return self.phrases["question"].format(n=question_number(question))

    def _value(self, question: Question, value: Any) -> str:
        if question.options:
            try:
                option = question.option(value)
            except KeyError:
                return str(value)
            return (option.label_en if self.lang == "en" else None) or option.label_nl
        if question.type == "scale":
            labels = question.scale_labels.get(value) or {}
            label = labels.get(self.lang) or labels.get("nl")
            return f"{value} ({label})" if label else str(value)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).replace(".", self.phrases["decimal"])
