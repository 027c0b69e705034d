"""The ``kennisschakel`` command: Django's management commands under one name.

``kennisschakel migrate``, ``kennisschakel runserver`` and every other Django
command work as they do with ``manage.py``. The project adds ``serve``,
``seed``, ``createadmin`` and ``import_municipalities`` (see ``--help``).
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kennisschakel.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kennisschakel", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
