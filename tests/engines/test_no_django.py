"""The engines are plain Python: every module under ``kennisschakel.engines``, imported on
its own in a bare interpreter, loads neither Django, DRF nor any app of the project."""

import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import kennisschakel.engines

SRC = Path(kennisschakel.engines.__file__).resolve().parents[2]

# Run in a fresh interpreter: -I ignores PYTHON* variables, the user's site-packages and
# the working directory, and sys.path gets src/ only (besides the standard library and
# the installed dependencies). Prints what was loaded that an engine must not load.
PROBE = """
import importlib, json, sys
sys.path.insert(0, {src!r})
importlib.import_module({module!r})
print(json.dumps(sorted(
    name for name in sys.modules
    if name.split(".")[0] in ("django", "rest_framework")
    or (name.startswith("kennisschakel.") and not (
        name == "kennisschakel.engines" or name.startswith("kennisschakel.engines.")
    ))
)))
"""


def engine_modules() -> list[str]:
    found = ["kennisschakel.engines"]
    found += [
        module.name
        for module in pkgutil.walk_packages(
            kennisschakel.engines.__path__, prefix="kennisschakel.engines."
        )
    ]
    return sorted(found)


MODULES = engine_modules()


def test_the_walk_finds_every_engine():
    # A walk that finds nothing would make the test below pass vacuously.
    packages = {name.split(".")[2] for name in MODULES if name.count(".") >= 2}
    assert {"text", "matching", "survey", "reciprocity", "sizeclasses"} <= packages
    assert "kennisschakel.engines.text.search" in MODULES
    assert "kennisschakel.engines.survey.instrument" in MODULES
    assert len(MODULES) > 30


@pytest.mark.parametrize("module", MODULES)
def test_engine_module_imports_no_django_and_no_app(module):
    environment = {
        name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"
    }
    out = subprocess.run(  # noqa: S603 - our own interpreter, fixed code
        [sys.executable, "-I", "-c", PROBE.format(src=str(SRC), module=module)],
        capture_output=True,
        text=True,
        check=True,
        env=environment,
        cwd=SRC,
    )
    assert json.loads(out.stdout) == []
