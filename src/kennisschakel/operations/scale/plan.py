"""What ``kennisschakel demo-scale`` is asked to make, and the fixed moment it makes it at."""

import datetime
from dataclasses import dataclass

UTC = datetime.UTC
# A fixed "now": generated dates do not depend on the day the command runs.
NOW = datetime.datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Plan:
    practices: int = 100_000
    exchanges: int = 1_000_000
    waves: int = 10
    seed: int = 20261202
    jobs: int = 1
