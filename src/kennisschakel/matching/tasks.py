"""Tasks of matchmaking (queue "index"); `kennisschakel worker` runs them. Queued by
``scheduling.py``."""

from django_tasks import task

from kennisschakel.matching import followup, match_index


@task(queue_name="index")
def rebuild_match_index() -> dict:
    """Build the matcher's candidate index from the database and publish it."""
    return match_index.rebuild()


@task(queue_name="index")
def refresh_question_suggestions() -> dict:
    """Match the open saved questions again where the matcher changed (followup.py)."""
    return followup.refresh_open_questions()
