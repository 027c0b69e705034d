"""The instrument model: blocks, questions, options and constructs, and routing.

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

:mod:`.instrument` loads and validates an instrument into these values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

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
