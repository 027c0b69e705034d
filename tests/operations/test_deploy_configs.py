"""Every configuration in deploy/ and the gunicorn settings load in the tool that reads them.

systemd units go through `systemd-analyze verify`, nginx through `nginx -t`, Caddy through
`caddy validate`; each is skipped, with the reason, where that tool is not installed
(.ci/run installs nginx-light and caddy). Paths that only exist on a server (the
virtualenv's `kennisschakel`, the TLS certificate) are pointed at real files here.
"""

import importlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from gunicorn.config import Config

from kennisschakel.operations import gunicorn_conf
from kennisschakel.operations.server import ProductionServer
from tests.operations.test_production import production_env

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SERVER_COMMAND = "/srv/kennisschakel/venv/bin/kennisschakel"
KENNISSCHAKEL = Path(sys.executable).with_name("kennisschakel")


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed here (.ci/run installs it)")
    return path


# ---------------------------------------------------------------------------- gunicorn


def test_gunicorn_settings_pass_gunicorns_own_validation():
    config = Config()
    for name, value in vars(gunicorn_conf).items():
        if name in config.settings:
            config.set(name, value)  # gunicorn's validators raise on a bad value

    assert config.preload_app is True
    assert config.worker_class_str == "sync"
    assert 1 <= config.workers <= gunicorn_conf.MAX_DEFAULT_WORKERS
    assert config.bind == ["127.0.0.1:8000"]
    assert config.timeout == 30 and config.graceful_timeout == 30
    assert config.accesslog == "-"
    assert config.control_socket_disable is True


def test_gunicorn_check_config_loads_the_application(tmp_path):
    """gunicorn's own command line, config module and application, as an operator might."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--check-config",
            "-c",
            "python:kennisschakel.operations.gunicorn_conf",
            "kennisschakel.wsgi:application",
        ],
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_default_workers_follow_the_cpus_and_are_capped(monkeypatch):
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: set(range(2)))
    assert gunicorn_conf.default_workers() == 5
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: set(range(64)))
    assert gunicorn_conf.default_workers() == gunicorn_conf.MAX_DEFAULT_WORKERS


def test_environment_then_command_line_override_the_module(monkeypatch):
    monkeypatch.setenv("KENNISSCHAKEL_WEB_WORKERS", "4")
    monkeypatch.setenv("KENNISSCHAKEL_TRUSTED_PROXIES", "10.0.0.0/8")
    importlib.reload(gunicorn_conf)
    monkeypatch.setenv("GUNICORN_CMD_ARGS", "--max-requests 77 --timeout 12")
    try:
        from_env = ProductionServer({})
        from_command_line = ProductionServer({"workers": 2, "bind": ["127.0.0.1:9123"]})
    finally:
        monkeypatch.undo()
        importlib.reload(gunicorn_conf)

    assert from_env.cfg.workers == 4
    assert from_env.cfg.max_requests == 77 and from_env.cfg.timeout == 12
    assert from_env.cfg.forwarded_allow_ips == ["10.0.0.0/8"]
    assert from_command_line.cfg.workers == 2
    assert from_command_line.cfg.bind == ["127.0.0.1:9123"]


# ---------------------------------------------------------------------------- systemd


def test_systemd_units_verify(tmp_path):
    analyze = tool("systemd-analyze")
    units = sorted(
        path
        for path in (DEPLOY / "systemd").iterdir()
        if path.suffix in {".service", ".socket", ".timer"}
    )
    assert {path.name for path in units} >= {
        "kennisschakel-web.service",
        "kennisschakel-web.socket",
        "kennisschakel-worker.service",
        "kennisschakel-backup.service",
        "kennisschakel-backup.timer",
    }
    for unit in units:
        text = unit.read_text().replace(SERVER_COMMAND, str(KENNISSCHAKEL))
        (tmp_path / unit.name).write_text(text)

    result = subprocess.run(
        [analyze, "verify", *(str(tmp_path / unit.name) for unit in units)],
        capture_output=True,
        text=True,
        timeout=120,
    )

    # verify exits 0 on unknown keys and only prints them: any remark is a failure here.
    assert result.returncode == 0, result.stderr
    remarks = [line for line in result.stderr.splitlines() if line.strip()]
    assert remarks == [], remarks


def test_units_run_the_commands_that_exist():
    web = (DEPLOY / "systemd" / "kennisschakel-web.service").read_text()
    worker = (DEPLOY / "systemd" / "kennisschakel-worker.service").read_text()
    backup = (DEPLOY / "systemd" / "kennisschakel-backup.service").read_text()
    assert f"ExecStart={SERVER_COMMAND} serve --production" in web
    assert "RestartPreventExitStatus=78" in web  # serve's refusal is not retried
    assert f"ExecStart={SERVER_COMMAND} worker" in worker
    assert f"ExecStart={SERVER_COMMAND} backup" in backup
    commands = subprocess.run(
        [str(KENNISSCHAKEL), "help", "--commands"],
        env=production_env(Path("/nonexistent")),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert {"serve", "worker", "backup", "restore"} <= set(commands)


def test_environment_example_names_only_real_settings():
    known = (ROOT / "src" / "kennisschakel" / "settings.py").read_text() + Path(
        gunicorn_conf.__file__
    ).read_text()
    example = (DEPLOY / "systemd" / "kennisschakel.env.example").read_text()
    names = re.findall(r"^#?([A-Z][A-Z0-9_]+)=", example, flags=re.MULTILINE)
    assert "KENNISSCHAKEL_SECRET_KEY" in names
    unknown = [name for name in names if name not in known and name not in {"GUNICORN_CMD_ARGS"}]
    assert unknown == []


# ---------------------------------------------------------------------------- proxies


def test_nginx_config_passes_nginx_t(tmp_path):
    nginx = tool("nginx")
    openssl = tool("openssl")
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")]
        + ["-subj", "/CN=kennisschakel.example.nl"],
        capture_output=True,
        check=True,
        timeout=60,
    )
    site = (DEPLOY / "nginx" / "kennisschakel.conf").read_text()
    live = "/etc/letsencrypt/live/kennisschakel.example.nl/"
    assert live in site
    site = site.replace(live + "fullchain.pem", str(tmp_path / "cert.pem"))
    site = site.replace(live + "privkey.pem", str(tmp_path / "key.pem"))
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "logs").mkdir()
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log stderr;\nevents {{}}\n"
        f"http {{\n access_log off;\n include {tmp_path}/site.conf;\n}}\n"
    )

    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_nginx_sends_attachments_from_an_internal_location_only():
    site = (DEPLOY / "nginx" / "kennisschakel.conf").read_text()
    location = re.search(r"location /protected-media/ \{(.*?)\}", site, flags=re.DOTALL)
    assert location, "the X-Accel-Redirect location is missing"
    assert "internal;" in location.group(1)
    assert "alias /srv/kennisschakel/var/media/;" in location.group(1)


def test_caddyfile_passes_caddy_validate(tmp_path):
    caddy = tool("caddy")
    result = subprocess.run(
        [caddy, "validate", "--config", str(DEPLOY / "caddy" / "Caddyfile")]
        + ["--adapter", "caddyfile"],
        capture_output=True,
        text=True,
        timeout=120,
        env={"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Valid configuration" in result.stdout + result.stderr


# ---------------------------------------------------------------------------- the guide


def test_the_deployment_guide_names_every_file_in_deploy():
    guide = (ROOT / "docs" / "deployment.md").read_text()
    files = [path.relative_to(ROOT).as_posix() for path in DEPLOY.rglob("*") if path.is_file()]
    missing = [name for name in files if name not in guide]
    assert missing == []
