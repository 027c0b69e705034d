"""Plain-Python text analysis (no Django imports).

The knowledge bank's Dutch search builds on these functions; the register
uses :func:`fold` to match names regardless of case and diacritics.
"""
