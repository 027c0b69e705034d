"""Tasks of the knowledge bank (queue "index"); `kennisschakel worker` runs them."""

from django_tasks import task

from kennisschakel.knowledge import index_build


@task(queue_name="index")
def compact_search_index() -> dict:
    """Save a new practice index with the changes logged since the newest one."""
    return index_build.rebuild(full=False)


@task(queue_name="index")
def rebuild_search_index() -> dict:
    """Save a new practice index built from every published practice."""
    return index_build.rebuild(full=True)
