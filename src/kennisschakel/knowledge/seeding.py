"""The knowledge bank's steps of ``kennisschakel seed`` (core/seeding.py).

The loaders are imported when a step runs, not when the app is ready: every process
registers the steps, only `seed` runs them."""

from kennisschakel.core.seeding import changes, register_seed_step


def seed_demo_practices(seeding) -> None:
    from kennisschakel.knowledge.loaders import load_demo_practices

    practices = load_demo_practices()
    seeding.demo(
        detail=f"  practices from the sources: {practices}",
        summary=f"practices {changes([str(practices)])}",
    )


def seed_demo_contacts(seeding) -> None:
    from kennisschakel.knowledge.demo import load_demo_contacts

    seeding.demo(detail=f"  demo contact points: {load_demo_contacts()} new")


def seed_search_index(seeding) -> None:
    # Save the practice search index now, so no worker builds it in a request.
    from django.core.management import call_command

    call_command("rebuild_index", stdout=seeding.stdout)


def register_seed_steps() -> None:
    register_seed_step("demo practices", seed_demo_practices, stage="demo", order=20)
    # After the practices: a contact point per organisation that owns one.
    register_seed_step("demo contact points", seed_demo_contacts, stage="demo", order=30)
    register_seed_step("search index", seed_search_index, stage="indexes", order=10)
