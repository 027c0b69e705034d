"""The accounts' step of ``kennisschakel seed`` (core/seeding.py): the demo users."""

from kennisschakel.core.seeding import register_seed_step


def seed_demo_users(seeding) -> None:
    from kennisschakel.accounts.demo import load_demo_data

    logins = load_demo_data()
    seeding.demo(
        detail=f"Demo data: {len(logins)} demo users present.",
        summary=f"{len(logins)} demo users",
    )


def register_seed_steps() -> None:
    # First of the demo: the other apps' demo rows are owned by these users' organisations.
    register_seed_step("demo users", seed_demo_users, stage="demo", order=10)
