"""Survey instruments: loading, validation and routing.

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

Routing
=======
A question is *asked* when its block's condition (if any) and its own condition (if
any) hold. Conditions are evaluated in instrument order against the *effective*
answers: the answers to the earlier questions that were themselves asked. So a
condition that refers to a question that was not asked sees it as unanswered
(``{question: q, answered: false}`` is then true, ``{question: q, equals: ja}`` false,
and ``{not: {question: q, equals: ja}}`` true). Since conditions look only backwards,
one pass in instrument order settles every question (:meth:`Instrument.asked`,
:meth:`Instrument.effective_answers`); an answer to a question that is not asked is
ignored everywhere.

A value counts as an answer unless it is ``None``, ``""`` or an empty list
(:func:`has_answer`): a multiple-choice question with no option ticked is unanswered,
which is also how a form shows it. Answers are engine values (see
:mod:`kennisschakel.engines.survey.answers`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

SCHEMA_PATH = Path(__file__).with_name("instrument.schema.json")

QUESTION_TYPES = ("single", "multiple", "top2", "scale", "number", "band", "text")
#: Types whose answer is one option code.
SINGLE_TYPES = frozenset({"single", "band"})
#: Types whose answer is a list of option codes (CSV: one 0/1 column per option).
MULTIPLE_TYPES = frozenset({"multiple", "top2"})
CHOICE_TYPES = SINGLE_TYPES | MULTIPLE_TYPES
#: Code reserved for the response table ``<slug>.response``.
RESERVED_CODES = frozenset({"response"})
#: Separator between question and option in a CSV column of a multiple/top2 question.
CSV_SEPARATOR = "__"

Condition = Callable[[Mapping[str, Any]], bool]


class InstrumentError(ValueError):
    """An instrument that does not validate; the message starts with the element's path."""

    def __init__(self, path: str, problem: str):
        self.path = path
        self.problem = problem
        super().__init__(f"{path or '(top level)'}: {problem}")


def has_answer(value: object) -> bool:
    """``False`` for ``None``, ``""`` and empty lists; every other value is an answer."""
    if value is None:
        return False
    if isinstance(value, str | list | tuple):
        return len(value) > 0
    return True


# --------------------------------------------------------------------------- model


@dataclass(frozen=True)
class Option:
    code: str
    label_nl: str
    label_en: str
    exclusive: bool = False  # multiple only: cannot be combined with other options
    lower: float | None = None  # band only
    upper: float | None = None  # band only; None: open-ended


# Question, Block and Instrument compare and hash by identity (eq=False): they hold
# plain dicts (conditions, scale labels) and there is one object per loaded element.
@dataclass(frozen=True, eq=False)
class Question:
    code: str
    type: str  # one of QUESTION_TYPES
    text_nl: str
    text_en: str
    source: str
    block: str  # code of the block it belongs to
    index: int  # position in the instrument, 0-based
    path: str  # e.g. "blocks[1].questions[3]", for messages
    required: bool = False
    help_nl: str | None = None
    help_en: str | None = None
    source_note_nl: str | None = None
    when: dict | None = None  # the condition as written (plain data)
    options: tuple[Option, ...] = ()
    max_choices: int | None = None  # top2
    scale_min: int | None = None  # scale
    scale_max: int | None = None
    scale_labels: dict[int, dict[str, str]] = field(default_factory=dict)  # {1: {nl:, en:}}
    unit_nl: str | None = None  # number
    unit_en: str | None = None
    min: float | None = None  # number, inclusive
    max: float | None = None
    decimals: int = 0  # number: decimals allowed
    max_length: int | None = None  # text
    published: tuple[str, ...] = ()
    compiled_when: Condition | None = field(default=None, repr=False)

    @property
    def option_codes(self) -> tuple[str, ...]:
        return tuple(option.code for option in self.options)

    def option(self, code: str) -> Option:
        for option in self.options:
            if option.code == code:
                return option
        raise KeyError(code)

    @property
    def csv_columns(self) -> tuple[str, ...]:
        """The CSV columns of this question (one per option for multiple/top2)."""
        if self.type in MULTIPLE_TYPES:
            return tuple(f"{self.code}{CSV_SEPARATOR}{code}" for code in self.option_codes)
        return (self.code,)

    def condition_met(self, values: Mapping[str, Any]) -> bool:
        """Own condition against the effective answers of the earlier questions."""
        return self.compiled_when is None or self.compiled_when(values)


@dataclass(frozen=True, eq=False)
class Block:
    code: str
    title_nl: str
    title_en: str
    questions: tuple[Question, ...]
    path: str
    intro_nl: str | None = None
    intro_en: str | None = None
    when: dict | None = None
    compiled_when: Condition | None = field(default=None, repr=False)

    def condition_met(self, values: Mapping[str, Any]) -> bool:
        """Block condition against the effective answers of the questions before it."""
        return self.compiled_when is None or self.compiled_when(values)


@dataclass(frozen=True)
class Construct:
    """A scale made of several scale questions: a respondent's score is their item mean."""

    code: str
    label_nl: str
    label_en: str
    items: tuple[str, ...]  # question codes, all scale with the same min/max
    min_items: int  # a respondent counts when at least this many items are answered
    source: str
    path: str
    published: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class Instrument:
    slug: str
    title_nl: str
    title_en: str
    source: str
    size_scheme: str
    blocks: tuple[Block, ...]
    constructs: tuple[Construct, ...] = ()
    reconstruction_notes_nl: str | None = None
    reconstruction_notes_en: str | None = None
    questions: tuple[Question, ...] = field(init=False, repr=False)
    _by_code: dict[str, Question] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        questions = tuple(q for block in self.blocks for q in block.questions)
        object.__setattr__(self, "questions", questions)
        object.__setattr__(self, "_by_code", {q.code: q for q in questions})

    def question(self, code: str) -> Question:
        """The question with this code (``KeyError`` when there is none)."""
        return self._by_code[code]

    @cached_property
    def csv_columns(self) -> dict[str, tuple[Question, str | None]]:
        """CSV column -> ``(question, option code)``; the option is ``None`` for the
        one-column questions. Columns are unique (checked on load)."""
        columns: dict[str, tuple[Question, str | None]] = {}
        for question in self.questions:
            if question.type in MULTIPLE_TYPES:
                for option in question.options:
                    columns[f"{question.code}{CSV_SEPARATOR}{option.code}"] = (
                        question,
                        option.code,
                    )
            else:
                columns[question.code] = (question, None)
        return columns

    def construct(self, code: str) -> Construct:
        for construct in self.constructs:
            if construct.code == code:
                return construct
        raise KeyError(code)

    # ----------------------------------------------------------------------- routing

    def _walk(self, answers: Mapping[str, Any]):
        """Yield ``(block, block_shown, question, asked)`` in order; one pass."""
        values: dict[str, Any] = {}
        for block in self.blocks:
            shown = block.condition_met(values)
            for question in block.questions:
                asked = shown and question.condition_met(values)
                if asked:
                    value = answers.get(question.code)
                    if has_answer(value):
                        values[question.code] = value
                yield block, shown, question, asked

    def effective_answers(self, answers: Mapping[str, Any]) -> dict[str, Any]:
        """The answers to asked questions only (unanswered ones left out), in order."""
        values: dict[str, Any] = {}
        for block in self.blocks:
            if not block.condition_met(values):
                continue
            for question in block.questions:
                if question.condition_met(values):
                    value = answers.get(question.code)
                    if has_answer(value):
                        values[question.code] = value
        return values

    def asked(self, answers: Mapping[str, Any]) -> list[Question]:
        """The questions that are asked given these answers, in order."""
        return [question for _, _, question, asked in self._walk(answers) if asked]

    def is_asked(self, question: Question | str, answers: Mapping[str, Any]) -> bool:
        """Whether ``question`` is asked given the answers (its block shown, its condition
        true). Walks the instrument up to the question; use :meth:`asked` for all."""
        code = question if isinstance(question, str) else question.code
        if code not in self._by_code:
            raise KeyError(code)
        for _, _, walked, asked in self._walk(answers):
            if walked.code == code:
                return asked
        raise AssertionError("unreachable")  # pragma: no cover

    def visible_blocks(self, answers: Mapping[str, Any]) -> list[Block]:
        """The blocks whose condition holds given the answers, in order."""
        visible = []
        for block, shown, question, _ in self._walk(answers):
            if shown and question is block.questions[0]:
                visible.append(block)
        return visible


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
        return self._compile(cond, path)

    def _compile(self, cond: dict, path: str) -> Condition:
        if "all" in cond:
            parts = [self._compile(c, f"{path}.all[{i}]") for i, c in enumerate(cond["all"])]
            return lambda values: all(part(values) for part in parts)
        if "any" in cond:
            parts = [self._compile(c, f"{path}.any[{i}]") for i, c in enumerate(cond["any"])]
            return lambda values: any(part(values) for part in parts)
        if "not" in cond:
            inner = self._compile(cond["not"], f"{path}.not")
            return lambda values: not inner(values)

        code = cond["question"]
        question = self.earlier.get(code)
        if question is None:
            if code in self.all_questions:
                raise InstrumentError(
                    path,
                    f"question {code!r} ({self.all_questions[code]}) does not come earlier",
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


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
