"""Survey instruments: loading and validation (the model and routing: :mod:`.model`).

Plain Python (plus ``jsonschema`` and ``PyYAML``); no Django imports. The contract is
``docs/monitor-formats.md`` section 1; this module implements it.

Loading
=======
:func:`load_instrument` takes a mapping (already parsed), YAML text (a ``str`` that
contains a newline) or a file path (a ``Path``, or a ``str`` without a newline) and
returns an :class:`Instrument`. It checks in two steps, and stops at the first error:

1. the JSON Schema ``instrument.schema.json`` (draft 2020-12): keys, types, code
   patterns, which keys each question type requires or forbids, condition shapes;
2. checks that need the whole instrument, which a schema cannot express:

   * block codes are unique; question codes are unique in the instrument; option codes
     are unique in their question; construct codes are unique and differ from every
     question code (both name a table ``<slug>.<code>``);
   * ``response`` is reserved (the response table is ``<slug>.response``);
   * the CSV columns are unique: a question code must not equal another question's
     ``<question>__<option>`` column;
   * a condition refers only to questions that come *earlier* (a block's condition to
     questions before the block), with an operator that fits the question's type
     (``equals`` single/band/scale, ``in`` single/band, ``includes`` multiple/top2,
     ``gte``/``lte`` number/scale, ``answered`` any) and existing option codes (or a
     value within the scale for ``equals`` on a scale);
   * top2: ``max_choices`` is at most the number of options; band options have
     ``lower <= upper`` (inclusive; ``upper`` may be null: open-ended); scale ``min < max`` and
     labels within them; number ``min <= max``;
   * construct items exist, are scale questions with the same min and max, and
     ``min_items`` is at most the number of items.

Every error is an :class:`InstrumentError` whose message starts with the path of the
offending element, e.g. ``blocks[2].questions[4].when: unknown question 'x'``. The
messages are for the people who write instrument files, so English and not translated.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from .conditions import compile_condition
from .model import (
    CHOICE_TYPES,
    CSV_SEPARATOR,
    MULTIPLE_TYPES,
    QUESTION_TYPES,
    RESERVED_CODES,
    SINGLE_TYPES,
    Block,
    Condition,
    Construct,
    Instrument,
    InstrumentError,
    Option,
    Question,
    has_answer,
)

# The model's names (model.py) stay importable here.
__all__ = [
    "CHOICE_TYPES",
    "CSV_SEPARATOR",
    "MULTIPLE_TYPES",
    "QUESTION_TYPES",
    "RESERVED_CODES",
    "SCHEMA_PATH",
    "SINGLE_TYPES",
    "Block",
    "Condition",
    "Construct",
    "Instrument",
    "InstrumentError",
    "Option",
    "Question",
    "format_path",
    "has_answer",
    "load_instrument",
]

SCHEMA_PATH = Path(__file__).with_name("instrument.schema.json")


# --------------------------------------------------------------------------- loading


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def format_path(parts) -> str:
    """``["blocks", 2, "questions", 4, "when"]`` -> ``"blocks[2].questions[4].when"``."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _jsonable(data: Any) -> Any:
    """Mapping keys as strings: YAML reads scale labels ``{1: ...}`` with int keys,
    which JSON Schema (a JSON vocabulary) cannot match against property patterns."""
    if isinstance(data, Mapping):
        return {str(key): _jsonable(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [_jsonable(value) for value in data]
    return data


def _read(source: Mapping | str | Path) -> Any:
    if isinstance(source, Mapping):
        return source
    if isinstance(source, str) and "\n" in source:
        text = source
    else:
        text = Path(source).read_text(encoding="utf-8")
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InstrumentError("", f"not valid YAML: {exc}") from exc


def _schema_check(data: Any) -> None:
    error = best_match(_validator().iter_errors(data))
    if error is None:
        return
    path = format_path(error.absolute_path)
    comment = error.schema.get("$comment") if isinstance(error.schema, dict) else None
    if error.validator == "not" and error.validator_value == {} and comment:
        # Our way of forbidding a key for some question types: {"not": {}, "$comment"}.
        raise InstrumentError(path, f"not allowed here ({comment})")
    raise InstrumentError(path, error.message)


def load_instrument(source: Mapping | str | Path) -> Instrument:
    """Load, validate (schema, then whole-instrument checks) and compile an instrument."""
    data = _jsonable(_read(source))
    _schema_check(data)
    return _Builder(data).build()


class _Builder:
    """The checks after the schema, and construction of the model (one pass)."""

    def __init__(self, data: dict):
        self.data = data
        # Every question code with its path, for "unknown" versus "not earlier" messages.
        self.all_questions: dict[str, str] = {}
        for b, block in enumerate(data["blocks"]):
            for q, question in enumerate(block["questions"]):
                self.all_questions.setdefault(question["code"], f"blocks[{b}].questions[{q}]")
        self.earlier: dict[str, Question] = {}  # questions built so far
        self.columns: dict[str, str] = {}  # CSV column -> path of its question

    def build(self) -> Instrument:
        data = self.data
        blocks = []
        block_paths: dict[str, str] = {}
        for b, raw in enumerate(data["blocks"]):
            path = f"blocks[{b}]"
            if raw["code"] in block_paths:
                raise InstrumentError(
                    f"{path}.code",
                    f"duplicate block code {raw['code']!r} (also {block_paths[raw['code']]})",
                )
            block_paths[raw["code"]] = path
            # A block's condition may use only the questions before the block.
            compiled = self._condition(raw.get("when"), f"{path}.when")
            questions = tuple(
                self._question(raw_q, raw["code"], f"{path}.questions[{q}]")
                for q, raw_q in enumerate(raw["questions"])
            )
            blocks.append(
                Block(
                    code=raw["code"],
                    title_nl=raw["title_nl"],
                    title_en=raw["title_en"],
                    questions=questions,
                    path=path,
                    intro_nl=raw.get("intro_nl"),
                    intro_en=raw.get("intro_en"),
                    when=raw.get("when"),
                    compiled_when=compiled,
                )
            )
        constructs = []
        construct_paths: dict[str, str] = {}
        for c, raw in enumerate(data.get("constructs", ())):
            path = f"constructs[{c}]"
            code = raw["code"]
            if code in construct_paths:
                raise InstrumentError(
                    f"{path}.code",
                    f"duplicate construct code {code!r} (also {construct_paths[code]})",
                )
            construct_paths[code] = path
            constructs.append(self._construct(raw, path))
        return Instrument(
            slug=data["slug"],
            title_nl=data["title_nl"],
            title_en=data["title_en"],
            source=data["source"],
            size_scheme=data["size_scheme"],
            blocks=tuple(blocks),
            constructs=tuple(constructs),
            reconstruction_notes_nl=data.get("reconstruction_notes_nl"),
            reconstruction_notes_en=data.get("reconstruction_notes_en"),
        )

    # ----------------------------------------------------------------------- questions

    def _question(self, raw: dict, block: str, path: str) -> Question:
        code = raw["code"]
        kind = raw["type"]
        if code in self.earlier:
            raise InstrumentError(
                f"{path}.code",
                f"duplicate question code {code!r} (also {self.earlier[code].path})",
            )
        if code in RESERVED_CODES:
            raise InstrumentError(f"{path}.code", f"{code!r} is reserved")
        compiled = self._condition(raw.get("when"), f"{path}.when")

        options = []
        seen: set[str] = set()
        for o, option in enumerate(raw.get("options", ())):
            if option["code"] in seen:
                raise InstrumentError(
                    f"{path}.options[{o}].code", f"duplicate option code {option['code']!r}"
                )
            seen.add(option["code"])
            lower, upper = option.get("lower"), option.get("upper")
            # Bounds are inclusive, so a one-value band ("EUR 0": 0..0) is fine.
            if kind == "band" and upper is not None and lower > upper:
                raise InstrumentError(
                    f"{path}.options[{o}]", f"lower {lower} is above upper {upper}"
                )
            options.append(
                Option(
                    code=option["code"],
                    label_nl=option["label_nl"],
                    label_en=option["label_en"],
                    exclusive=bool(option.get("exclusive", False)),
                    lower=lower,
                    upper=upper,
                )
            )

        max_choices = raw.get("max_choices")
        if max_choices is not None and max_choices > len(options):
            raise InstrumentError(
                f"{path}.max_choices",
                f"max_choices {max_choices} exceeds the {len(options)} options",
            )

        scale_min = scale_max = None
        labels: dict[int, dict[str, str]] = {}
        if kind == "scale":
            scale_min, scale_max = raw["scale"]["min"], raw["scale"]["max"]
            if not scale_min < scale_max:
                raise InstrumentError(
                    f"{path}.scale", f"min {scale_min} must be below max {scale_max}"
                )
            for key, label in raw["scale"].get("labels", {}).items():
                value = int(key)
                if not scale_min <= value <= scale_max:
                    raise InstrumentError(
                        f"{path}.scale.labels.{key}",
                        f"label outside the scale {scale_min}..{scale_max}",
                    )
                labels[value] = {"nl": label["nl"], "en": label["en"]}

        low, high = raw.get("min"), raw.get("max")
        if low is not None and high is not None and low > high:
            raise InstrumentError(f"{path}.min", f"min {low} is above max {high}")

        question = Question(
            code=code,
            type=kind,
            text_nl=raw["text_nl"],
            text_en=raw["text_en"],
            source=raw["source"],
            block=block,
            index=len(self.earlier),
            path=path,
            required=bool(raw.get("required", False)),
            help_nl=raw.get("help_nl"),
            help_en=raw.get("help_en"),
            source_note_nl=raw.get("source_note_nl"),
            when=raw.get("when"),
            options=tuple(options),
            max_choices=max_choices,
            scale_min=scale_min,
            scale_max=scale_max,
            scale_labels=dict(sorted(labels.items())),
            unit_nl=raw.get("unit_nl"),
            unit_en=raw.get("unit_en"),
            min=low,
            max=high,
            decimals=raw.get("decimals", 0),
            max_length=raw.get("max_length"),
            published=tuple(raw.get("published", ())),
            compiled_when=compiled,
        )
        for column in question.csv_columns:
            if column in self.columns:
                raise InstrumentError(
                    f"{path}.code",
                    f"CSV column {column!r} clashes with {self.columns[column]}",
                )
            self.columns[column] = path
        # Only now is the question "earlier" for the ones that follow (not for itself).
        self.earlier[code] = question
        return question

    # ----------------------------------------------------------------------- conditions

    def _condition(self, cond: dict | None, path: str) -> Condition | None:
        if cond is None:
            return None
        return compile_condition(cond, path, self.earlier, self.all_questions)

    def _construct(self, raw: dict, path: str) -> Construct:
        code = raw["code"]
        if code in self.earlier:
            raise InstrumentError(
                f"{path}.code", f"construct code {code!r} is also a question code"
            )
        if code in RESERVED_CODES:
            raise InstrumentError(f"{path}.code", f"{code!r} is reserved")
        first: Question | None = None
        for i, item in enumerate(raw["items"]):
            question = self.earlier.get(item)
            where = f"{path}.items[{i}]"
            if question is None:
                raise InstrumentError(where, f"unknown question {item!r}")
            if question.type != "scale":
                raise InstrumentError(
                    where, f"question {item!r} is of type {question.type}, not scale"
                )
            if first is None:
                first = question
            elif (question.scale_min, question.scale_max) != (first.scale_min, first.scale_max):
                raise InstrumentError(
                    where,
                    f"scale {question.scale_min}..{question.scale_max} of {item!r} differs "
                    f"from {first.scale_min}..{first.scale_max} of {first.code!r}",
                )
        if raw["min_items"] > len(raw["items"]):
            raise InstrumentError(
                f"{path}.min_items",
                f"min_items {raw['min_items']} exceeds the {len(raw['items'])} items",
            )
        return Construct(
            code=code,
            label_nl=raw["label_nl"],
            label_en=raw["label_en"],
            items=tuple(raw["items"]),
            min_items=raw["min_items"],
            source=raw["source"],
            path=path,
            published=tuple(raw.get("published", ())),
        )
