"""The "match_index" check of GET /health: is there a saved matcher index that a worker
can open, and how far behind the database is it (see ``match_index.status``)."""

from kennisschakel.core.health import register


@register("match_index")
def match_index_check() -> dict:
    from kennisschakel.matching.match_index import status

    return status()
