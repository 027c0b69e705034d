"""The matcher's step of ``kennisschakel seed`` (core/seeding.py): its candidate index."""

from kennisschakel.core.seeding import register_seed_step


def seed_match_index(seeding) -> None:
    # The matcher's candidate index, saved once for every worker (matching/match_index.py).
    from kennisschakel.matching.match_index import rebuild

    built = rebuild()
    seeding.write(f"  match index: {built['candidates']} candidates ({built['seconds']} s)")


def register_seed_steps() -> None:
    register_seed_step("match index", seed_match_index, stage="indexes", order=20)
