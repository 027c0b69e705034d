"""Conditions of blocks and questions (``when``), checked against the instrument and
compiled into functions of the effective answers (see Routing in :mod:`.model`).

Operators by question type: ``equals`` single/band/scale, ``in`` single/band,
``includes`` multiple/top2, ``gte``/``lte`` number/scale, ``answered`` any; ``all``,
``any`` and ``not`` combine them. A condition refers only to earlier questions.
"""

from __future__ import annotations

from collections.abc import Mapping

from .model import (
    MULTIPLE_TYPES,
    SINGLE_TYPES,
    Condition,
    InstrumentError,
    Question,
    has_answer,
)


def compile_condition(
    cond: dict, path: str, earlier: Mapping[str, Question], all_questions: Mapping[str, str]
) -> Condition:
    """``cond`` (checked against the ``earlier`` questions; ``all_questions``: every
    question code with its path, for "unknown" versus "not earlier") as a function of the
    effective answers; an :class:`InstrumentError` naming ``path`` when it does not fit."""
    if "all" in cond:
        parts = [
            compile_condition(c, f"{path}.all[{i}]", earlier, all_questions)
            for i, c in enumerate(cond["all"])
        ]
        return lambda values: all(part(values) for part in parts)
    if "any" in cond:
        parts = [
            compile_condition(c, f"{path}.any[{i}]", earlier, all_questions)
            for i, c in enumerate(cond["any"])
        ]
        return lambda values: any(part(values) for part in parts)
    if "not" in cond:
        inner = compile_condition(cond["not"], f"{path}.not", earlier, all_questions)
        return lambda values: not inner(values)

    code = cond["question"]
    question = earlier.get(code)
    if question is None:
        if code in all_questions:
            raise InstrumentError(
                path,
                f"question {code!r} ({all_questions[code]}) does not come earlier",
            )
        raise InstrumentError(path, f"unknown question {code!r}")
    kind = question.type

    def refuse(operator: str) -> InstrumentError:
        return InstrumentError(
            f"{path}.{operator}",
            f"{operator!r} does not apply to question {code!r} of type {kind}",
        )

    def check_option(value: object, where: str) -> None:
        if value not in question.option_codes:
            raise InstrumentError(where, f"unknown option {value!r} of question {code!r}")

    if "equals" in cond:
        target = cond["equals"]
        if kind in SINGLE_TYPES:
            check_option(target, f"{path}.equals")
        elif kind == "scale":
            if not isinstance(target, int) or not (
                question.scale_min <= target <= question.scale_max
            ):
                raise InstrumentError(
                    f"{path}.equals",
                    f"{target!r} is not a point of the scale "
                    f"{question.scale_min}..{question.scale_max} of question {code!r}",
                )
        else:
            raise refuse("equals")
        return lambda values: values.get(code) == target
    if "in" in cond:
        if kind not in SINGLE_TYPES:
            raise refuse("in")
        for i, value in enumerate(cond["in"]):
            check_option(value, f"{path}.in[{i}]")
        targets = frozenset(cond["in"])
        return lambda values: isinstance(values.get(code), str) and values[code] in targets
    if "includes" in cond:
        if kind not in MULTIPLE_TYPES:
            raise refuse("includes")
        target = cond["includes"]
        check_option(target, f"{path}.includes")
        return lambda values: (
            isinstance(values.get(code), list | tuple) and (target in values[code])
        )
    if "answered" in cond:
        wanted = cond["answered"]
        return lambda values: has_answer(values.get(code)) == wanted
    for operator in ("gte", "lte"):
        if operator in cond:
            if kind not in ("number", "scale"):
                raise refuse(operator)
            bound = cond[operator]
            if operator == "gte":
                return lambda values: _is_number(values.get(code)) and values[code] >= bound
            return lambda values: _is_number(values.get(code)) and values[code] <= bound
    raise AssertionError(f"schema let through condition {cond!r}")  # pragma: no cover


# ----------------------------------------------------------------------- constructs


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
