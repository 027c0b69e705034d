"""The ``kennisschakel`` command: Django's management commands under one name.

``kennisschakel migrate``, ``kennisschakel runserver`` and every other Django
command work as they do with ``manage.py``. The project adds ``serve``,
``seed``, ``createadmin`` and ``import_municipalities`` (see ``--help``).
"""

import os
import sys

# sysexits.h EX_CONFIG, as `kennisschakel serve` uses when it refuses its configuration.
EX_CONFIG = 78


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kennisschakel.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["kennisschakel", *(sys.argv[1:] if argv is None else argv)])
    except ImproperlyConfigured as error:
        # A setting that is missing or wrong (settings.py says which): the message, not a
        # traceback, is what the operator needs.
        print(f"kennisschakel: configuration error: {error}", file=sys.stderr)
        sys.exit(EX_CONFIG)


if __name__ == "__main__":
    main()
