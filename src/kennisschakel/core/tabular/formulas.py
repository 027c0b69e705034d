"""Formula injection (CSV injection) in spreadsheet cells, and its undoing on import.

A spreadsheet program runs a cell that begins with ``=``, ``+``, ``-`` or ``@`` as a
formula, and a leading tab or carriage return can hide such a start. Following the OWASP
guidance, every exported *text* cell that begins with one of these characters gets a
single quote in front, which spreadsheets show as text. Numbers written as numbers (a
negative amount) are left alone: they are not text.
"""

from __future__ import annotations

#: The first characters that make a spreadsheet treat a cell as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value):
    """``value`` safe for a spreadsheet cell: text that would start a formula is prefixed
    with ``'``; anything that is not text (numbers, None) is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def unescape_formula(value):
    """The inverse of :func:`escape_formula`, for imports that read exported files back."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value
