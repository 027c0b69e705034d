"""Shared fixtures for the search-engine tests: no database, no Django."""

import pytest

from kennisschakel.engines.text.analysis import DutchAnalyzer


@pytest.fixture(scope="session")
def analyzer() -> DutchAnalyzer:
    # Loading the lexicon takes about a second: share one analyzer.
    return DutchAnalyzer()
