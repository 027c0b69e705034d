"""The import contract: all rows or none, every problem named by row and column.

An import reads the whole file, collects a :class:`RowError` for everything that is
wrong and then either raises :class:`ImportRejected` (nothing is written) or writes every
row in one transaction and returns an :class:`ImportReport`. Pages show the problems
with the ``core/_import_problems.html`` include, commands with :func:`command_error`;
both show ``str(problem)``, so a problem reads the same wherever it appears.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.core.management.base import CommandError
from django.utils.translation import gettext as _


class RowError(NamedTuple):
    """One problem: the row as a spreadsheet numbers it (the header is row 1; 0 is the
    file as a whole), the column (empty when the problem is not about one column) and
    the message for the user.

    An app whose messages have always named the place in other words subclasses this
    and overrides :meth:`__str__` only."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if not self.row:  # about the file as a whole
            return self.message
        return _("Row %(row)s, column '%(column)s': %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class ImportRejected(Exception):
    """The file has problems; nothing was imported. ``errors``: every :class:`RowError`.

    A single message (a problem of the file as a whole) becomes one error of row 0."""

    def __init__(self, errors: Iterable[RowError] | str):
        if isinstance(errors, str):
            errors = [RowError(0, "", errors)]
        self.errors = list(errors)
        super().__init__("\n".join(str(error) for error in self.errors))


@dataclass
class ImportReport:
    """What an import found: ``problems`` is empty exactly when everything was written.

    Each import subclasses it with what it wrote (rows, objects, counts)."""

    problems: list[RowError] = field(default_factory=list)

    def reject(self) -> None:
        """Raise :class:`ImportRejected` when there is any problem."""
        if self.problems:
            raise ImportRejected(self.problems)


def command_error(rejected: ImportRejected, stderr=None) -> CommandError:
    """The error a management command raises for a refused import: the heading and one
    line per problem. Given ``stderr`` (a command's output stream), the problems are
    written there one per line, for scripts that read them, and the error counts them."""
    heading = _("Import rejected; nothing was changed.")
    if stderr is None:
        return CommandError("\n".join([heading, *(str(error) for error in rejected.errors)]))
    for error in rejected.errors:
        stderr.write(str(error))
    count = _("%(count)s problems.") % {"count": len(rejected.errors)}
    return CommandError(f"{heading} {count}", returncode=1)
