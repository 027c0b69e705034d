"""Project-level behaviour: the command line, production settings, translations."""

import os
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "src" / "kennisschakel" / "locale"


def run_cli(*args, env=None):
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("KENNISSCHAKEL_", "DJANGO_"))
    }
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "kennisschakel", *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=ROOT,
        timeout=120,
    )


def test_cli_lists_project_and_django_commands():
    result = run_cli("help", env={"KENNISSCHAKEL_DEBUG": "1"})
    assert result.returncode == 0, result.stderr
    for command in [
        "seed",
        "serve",
        "createadmin",
        "worker",
        "import_municipalities",
        "migrate",
        "runserver",
    ]:
        assert command in result.stdout


def test_production_refuses_to_start_without_secret_key():
    result = run_cli("check")
    assert result.returncode != 0
    assert "KENNISSCHAKEL_SECRET_KEY" in result.stderr


def test_deploy_check_is_clean_in_production_configuration(tmp_path):
    # `collectstatic` writes this manifest (README, Production); without it the deploy check
    # warns (kennisschakel.W001). tests/operations/test_production.py runs the real steps.
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')
    result = run_cli(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "KENNISSCHAKEL_SECRET_KEY": "k" * 20 + "-production-secret-" + "q8Zp3" * 6,
            "KENNISSCHAKEL_ALLOWED_HOSTS": "kennisschakel.example",
            "KENNISSCHAKEL_VAR_DIR": str(tmp_path),
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("language", ["nl", "en"])
def test_translation_catalogues_are_complete_and_compiled(language):
    po_path = LOCALE / language / "LC_MESSAGES" / "django.po"
    catalogue = polib.pofile(str(po_path))
    assert len(catalogue) > 100
    if language == "nl":
        untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
        assert untranslated == []
    assert catalogue.fuzzy_entries() == []
    mo_path = po_path.with_suffix(".mo")
    compiled = polib.mofile(str(mo_path))
    assert {e.msgid for e in compiled} >= {e.msgid for e in catalogue.translated_entries()}
