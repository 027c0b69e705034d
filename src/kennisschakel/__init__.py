"""Kennisschakel: an open-source knowledge hub for Dutch municipalities."""

__version__ = "0.1.0"
