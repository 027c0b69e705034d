"""The "match_index" check of GET /health: is there a saved matcher index that a worker
can open, and how far behind the database is it (see ``match_index.status``)."""

from kennisschakel.core.health import register


@register("match_index")
def match_index_check() -> dict:
    from kennisschakel.matching.match_index import status

    return status()


def register_rebuild() -> None:
    """The facilitators' status page (core/status/) offers a full rebuild of this index."""
    from django.utils.translation import gettext_lazy as _

    from kennisschakel.core.status.rebuilds import Rebuild, register_rebuild

    register_rebuild(
        Rebuild(
            "matchindex",
            _("Match index"),
            _("Rebuild the match index"),
            "kennisschakel.matching.tasks.rebuild_match_index",
            "match_index",
        ),
        _("Match index: full rebuild"),
    )
