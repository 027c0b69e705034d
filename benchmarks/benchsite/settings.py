"""The project's settings with the benchmark URLconf (see the package docstring)."""

import os

from kennisschakel.settings import *  # noqa: F403

ROOT_URLCONF = "benchsite.urls"
# One collected copy per tree, so two trees measured against one database do not
# overwrite each other's manifest.
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT") or STATIC_ROOT  # noqa: F405
