"""Tasks of matchmaking (queue "index"); `kennisschakel worker` runs them."""

from django_tasks import task

from kennisschakel.matching import match_index


@task(queue_name="index")
def rebuild_match_index() -> dict:
    """Build the matcher's candidate index from the database and publish it."""
    return match_index.rebuild()
