"""Plain survey engine of the monitor: instruments, answers and tabulation; no Django.

The formats are the contract in ``docs/monitor-formats.md``; the Django app
(``kennisschakel.monitor``) stores responses and renders what this package computes.

* :mod:`.instrument` loads an instrument (YAML or a mapping) and validates it against
  ``instrument.schema.json`` and whole-instrument rules (conditions: :mod:`.conditions`);
  :mod:`.model` holds the instrument's values and settles the routing: which blocks and
  questions are asked given the earlier answers.
* :mod:`.answers` turns raw input (form fields, CSV cells, JSON) into engine values or
  :class:`AnswerError` codes (the Django layer words and translates them), reads CSV
  rows, and tells what is missing and how far a respondent is.
* :mod:`.analysis` tabulates a wave per group (size class) into :mod:`.tables`, one per
  question and construct (:mod:`.question_tables`), with small-cell and complementary
  suppression (:mod:`.suppression`), and compares waves; :mod:`.rounding` rounds as
  printed tables do and detects how a printed table rounded.

Each module's docstring documents its rules.
"""

from .analysis import analyse, compare_waves, response_table
from .answers import (
    ERROR_CODES,
    AnswerError,
    missing_required,
    normalise,
    normalise_answers,
    parse_csv_row,
    progress,
)
from .instrument import load_instrument
from .model import (
    QUESTION_TYPES,
    Block,
    Construct,
    Instrument,
    InstrumentError,
    Option,
    Question,
    has_answer,
)
from .rounding import (
    DEFAULT_ROUNDING,
    ROUNDING_RULES,
    Detection,
    detect_rounding,
    mean_reproduced,
    percent_reproduced,
    round_as,
    round_half_up,
)
from .suppression import MIN_CELL
from .tables import DEFAULT_DECIMALS, TOTAL, Group, Respondent, Row, Table

__all__ = [
    "DEFAULT_DECIMALS",
    "ERROR_CODES",
    "MIN_CELL",
    "QUESTION_TYPES",
    "TOTAL",
    "AnswerError",
    "Block",
    "Construct",
    "Group",
    "Instrument",
    "InstrumentError",
    "Option",
    "Question",
    "Respondent",
    "Row",
    "Table",
    "analyse",
    "compare_waves",
    "has_answer",
    "load_instrument",
    "missing_required",
    "normalise",
    "normalise_answers",
    "parse_csv_row",
    "progress",
    "response_table",
    "round_half_up",
    "round_as",
    "detect_rounding",
    "percent_reproduced",
    "mean_reproduced",
    "Detection",
    "DEFAULT_ROUNDING",
    "ROUNDING_RULES",
]
