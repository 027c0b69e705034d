"""The production web server: gunicorn, run inside the `kennisschakel serve` process.

Why gunicorn's ``BaseApplication`` rather than exec'ing the ``gunicorn`` command: the
safety checks (preflight.py) run in the same process with the Django settings gunicorn
will serve, and the process systemd started *is* the gunicorn master (signals, readiness
notification and socket activation reach it directly). There is no second command line
to keep in step and no path to a config file: the settings are the module
``kennisschakel.operations.gunicorn_conf``, installed with the package.

Order of precedence, lowest first: gunicorn_conf.py, ``GUNICORN_CMD_ARGS`` (any gunicorn
option, for operators), then `serve`'s own address and ``--workers``.
"""

import importlib

from gunicorn.app.base import BaseApplication

from kennisschakel.core import warmup

CONFIG_MODULE = "kennisschakel.operations.gunicorn_conf"


def bind_address(addrport: str) -> str:
    """runserver-style ``[ADDR:]PORT`` → a gunicorn bind (``unix:PATH`` passes through)."""
    if addrport.isdigit():
        return f"127.0.0.1:{addrport}"
    return addrport


class ProductionServer(BaseApplication):
    def __init__(self, overrides: dict):
        self.overrides = overrides
        super().__init__(prog="kennisschakel serve")

    def load_config(self):
        for name, value in vars(importlib.import_module(CONFIG_MODULE)).items():
            if name in self.cfg.settings:  # the module's other names are helpers
                self.cfg.set(name, value)
        from_environment = self.cfg.parser().parse_args(self.cfg.get_cmd_args_from_env())
        for name, value in vars(from_environment).items():
            if value is not None and name != "args":
                self.cfg.set(name.lower(), value)
        for name, value in self.overrides.items():
            self.cfg.set(name, value)

    def load(self):
        # With preload_app this runs once, in the master, before the workers are forked.
        from kennisschakel.wsgi import application

        warmup.run_all()
        return application


def gunicorn_overrides(addrport: str | None, workers: int | None) -> dict:
    overrides = {}
    if addrport:
        overrides["bind"] = [bind_address(addrport)]
    if workers:
        overrides["workers"] = workers
    return overrides


def run(addrport: str | None, workers: int | None) -> None:
    """Serve until stopped (SIGTERM: finish requests in flight, then exit)."""
    ProductionServer(gunicorn_overrides(addrport, workers)).run()
