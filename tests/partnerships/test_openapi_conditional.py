"""The OpenAPI document tells clients about ETag, If-Match and the 412 answer."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from kennisschakel.core.api.problems import PROBLEM_CONTENT_TYPE

# Paths relative to the document's server, /api/v1.
VERSIONED = {
    "/practices/{slug}": ("patch",),
    "/partnerships/{slug}": ("put", "patch"),
    "/activities/{slug}": ("put", "patch"),
}


@pytest.fixture(scope="module")
def paths():
    return SchemaGenerator().get_schema(request=None, public=True)["paths"]


UPDATES = [(path, method) for path, methods in VERSIONED.items() for method in methods]


@pytest.mark.parametrize(("path", "method"), UPDATES)
def test_updates_document_if_match_412_and_etag(paths, path, method):
    operation = paths[path][method]
    headers = {p["name"]: p for p in operation["parameters"] if p["in"] == "header"}
    assert "If-Match" in headers
    assert headers["If-Match"].get("required", False) is False
    responses = operation["responses"]
    assert PROBLEM_CONTENT_TYPE in responses["412"]["content"]
    assert "ETag" in responses["200"]["headers"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body.endswith("Request")  # the request body is still the serializer's


@pytest.mark.parametrize("path", list(VERSIONED))
def test_reading_documents_the_etag(paths, path):
    assert "ETag" in paths[path]["get"]["responses"]["200"]["headers"]
