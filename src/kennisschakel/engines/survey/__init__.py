"""Plain survey engine of the monitor: instruments, answers and tabulation; no Django.

The formats are the contract in ``docs/monitor-formats.md``; the Django app
(``kennisschakel.monitor``) stores responses and renders what this package computes.

* :mod:`.instrument` loads an instrument (YAML or a mapping), validates it against
  ``instrument.schema.json`` and whole-instrument rules, and settles the routing: which
  blocks and questions are asked given the earlier answers.
* :mod:`.answers` turns raw input (form fields, CSV cells, JSON) into engine values or
  :class:`AnswerError` codes (the Django layer words and translates them), reads CSV
  rows, and tells what is missing and how far a respondent is.
* :mod:`.analysis` tabulates a wave per group (size class) with small-cell and
  complementary suppression, and compares waves.

Each module's docstring documents its rules.
"""

from .analysis import (
    DEFAULT_DECIMALS,
    DEFAULT_ROUNDING,
    MIN_CELL,
    ROUNDING_RULES,
    TOTAL,
    Detection,
    Group,
    Respondent,
    Row,
    Table,
    analyse,
    compare_waves,
    detect_rounding,
    mean_reproduced,
    percent_reproduced,
    response_table,
    round_as,
    round_half_up,
)
from .answers import (
    ERROR_CODES,
    AnswerError,
    missing_required,
    normalise,
    normalise_answers,
    parse_csv_row,
    progress,
)
from .instrument import (
    QUESTION_TYPES,
    Block,
    Construct,
    Instrument,
    InstrumentError,
    Option,
    Question,
    has_answer,
    load_instrument,
)

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
