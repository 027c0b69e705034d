"""The partnerships' step of ``kennisschakel seed`` (core/seeding.py): the demo ledger."""

from kennisschakel.core.seeding import changes, register_seed_step


def seed_demo_partnerships(seeding) -> None:
    from kennisschakel.partnerships.loaders import load_demo_partnerships

    ledger = load_demo_partnerships()
    skipped = ledger.objects.get("skipped", [])
    seeding.demo(
        detail=f"  partnerships, memberships, exchanges: {ledger}",
        summary=f"partnerships and exchanges {changes([str(ledger)])}",
    )
    for reason in skipped:
        seeding.demo(detail=f"    left out: {reason}")
    if skipped:
        # Expected when the register holds only the larger places abroad
        # (KENNISSCHAKEL_PLACES_MIN_POPULATION): such records are never guessed.
        seeding.note(
            f"  {len(skipped)} demo records left out: their place abroad is not in the "
            f"loaded list of places (fine for a quick install; -v 2 names them)."
        )


def register_seed_steps() -> None:
    register_seed_step("demo partnerships", seed_demo_partnerships, stage="demo", order=40)
