"""Production from the README's steps: static files and `check --deploy` (issue 10, E27).

With debug off, every page used to answer 500 until `collectstatic` had run with debug off:
the manifest storage raised for each file missing from staticfiles.json. Now one storage
serves debug on and off, a missing entry is logged instead of raised, and `kennisschakel
check` warns while the manifest is missing.
"""

import json
import os
import re
import secrets
import subprocess
import sys

import pytest

DOCUMENTED_ENV = {
    "KENNISSCHAKEL_SECRET_KEY": secrets.token_urlsafe(50),
    "KENNISSCHAKEL_ALLOWED_HOSTS": "kennisschakel.example.nl",
    "KENNISSCHAKEL_CSRF_TRUSTED_ORIGINS": "https://kennisschakel.example.nl",
}
# Variables of the test run that production does not have.
NOT_IN_PRODUCTION = {
    "KENNISSCHAKEL_TESTING",
    "KENNISSCHAKEL_DEBUG",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests for Playwright
}


def production_env(var_dir) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in NOT_IN_PRODUCTION}
    env.update(DOCUMENTED_ENV)
    env["KENNISSCHAKEL_VAR_DIR"] = str(var_dir)
    env["DATABASE_URL"] = f"sqlite:///{var_dir / 'kennisschakel.sqlite3'}"
    return env


def kennisschakel(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kennisschakel", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def production_static_storage(var_dir) -> str:
    """The static files storage the real settings module picks with debug off."""
    env = production_env(var_dir)
    code = (
        "import json; from kennisschakel import settings as s; "
        "print(json.dumps(s.STORAGES['staticfiles']['BACKEND']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A var/ directory after the README's production steps, and the first check's output."""
    var_dir = tmp_path_factory.mktemp("var")
    env = production_env(var_dir)
    before = kennisschakel("check", "--deploy", env=env)
    collected = kennisschakel("collectstatic", "--no-input", "-v0", env=env)
    assert collected.returncode == 0, collected.stderr
    return var_dir, env, before


def test_check_deploy_is_clean_after_the_documented_steps(installed):
    var_dir, env, before = installed
    assert "kennisschakel.W001" in before.stdout + before.stderr, "no manifest yet: a warning"
    assert (var_dir / "static" / "staticfiles.json").exists()

    checked = kennisschakel("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "System check identified no issues (0 silenced)." in checked.stdout
    assert "WARNING" not in checked.stderr


def use_production_static(settings, var_dir, static_root):
    """Debug off, the storage the production settings pick, the given STATIC_ROOT."""
    settings.DEBUG = False
    settings.STATIC_ROOT = static_root
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": production_static_storage(var_dir)},
    }


@pytest.mark.django_db
def test_home_page_renders_with_hashed_names_after_collectstatic(installed, settings, client):
    var_dir, _env, _before = installed
    use_production_static(settings, var_dir, var_dir / "static")

    response = client.get("/")

    assert response.status_code == 200
    assert re.search(r"/static/kennisschakel/site\.[0-9a-f]{12}\.css", response.content.decode())


@pytest.mark.django_db
def test_pages_answer_without_a_manifest(settings, client, tmp_path):
    """Before `collectstatic` (or after one with another storage): no 500, plain names."""
    (tmp_path / "static").mkdir()
    use_production_static(settings, tmp_path, tmp_path / "static")
    for url in ("/", "/gemeenten/", "/api/v1/docs"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "/static/kennisschakel/site.css" in response.content.decode()
