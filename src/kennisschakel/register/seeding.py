"""The register's step of ``kennisschakel seed`` (core/seeding.py): the reference data."""

from kennisschakel.core.seeding import register_seed_step


def seed_reference_data(seeding) -> None:
    from kennisschakel.register.loaders import load_reference_data

    load_reference_data(report=seeding.table)


def register_seed_steps() -> None:
    register_seed_step("reference data", seed_reference_data, stage="reference", order=10)
