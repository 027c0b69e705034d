"""The monitor's steps of ``kennisschakel seed`` (core/seeding.py).

The loaders are imported when a step runs, not when the app is ready: every process
registers the steps, only `seed` runs them."""

from kennisschakel.core.seeding import register_seed_step


def seed_instruments(seeding) -> None:
    from kennisschakel.monitor.instruments import load_instruments

    seeding.table(f"  monitor instruments: {load_instruments()}")


def seed_demo_wave(seeding) -> None:
    from kennisschakel.monitor.demo import load_demo_wave

    demo = load_demo_wave()
    if demo and demo[1]:
        wave, code = demo
        seeding.note(
            f"  monitor demo wave '{wave}': access code for Enschede {code}"
            f" (shown once) at /monitor/{wave.slug}/"
        )


def seed_practice_wave(seeding) -> None:
    # A closed wave with FICTITIOUS answers, so the report shows figures (one line,
    # only when it is made; monitor/practice.py).
    from kennisschakel.monitor.practice import load_practice_wave

    practice = load_practice_wave()
    if practice and practice[1]:
        seeding.note(
            f"  monitor practice wave '{practice[0]}': {practice[1]} fictitious responses"
            f" at /monitor/golven/{practice[0].slug}/"
        )


def register_seed_steps() -> None:
    register_seed_step("monitor instruments", seed_instruments, stage="reference", order=20)
    register_seed_step("monitor demo wave", seed_demo_wave, stage="demo", order=50)
    register_seed_step("monitor practice wave", seed_practice_wave, stage="demo", order=60)
