"""Fixtures for the account tests: a clean throttle cache and an API client."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

PROBLEM = "application/problem+json"
TOKENS = "/api/v1/tokens"


@pytest.fixture(autouse=True)
def empty_throttle_cache():
    """DRF keeps its throttle history in the cache, which outlives a test's transaction."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()
