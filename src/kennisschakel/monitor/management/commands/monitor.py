"""``kennisschakel monitor``: import responses, print a wave's report, export raw responses.

    kennisschakel monitor import <wave> <file.csv> [--replace-submitted]
    kennisschakel monitor report <wave> [--json]
    kennisschakel monitor export <wave> --format csv|xlsx --output FILE

``import`` writes every row or none; when the file is refused each problem is printed
to stderr as "row N, column X: message" and the command exits with code 1. ``report``
prints every table of the analysis (small cells suppressed, values rounded as printed),
each with its stable id and the ids of the printed tables it reproduces. ``export``
writes the raw responses (analysts only: this is a server-side command).
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from kennisschakel.monitor.models import Wave


def _wave(slug: str) -> Wave:
    wave = Wave.objects.select_related("instrument", "size_scheme").filter(slug=slug).first()
    if wave is None:
        known = ", ".join(Wave.objects.order_by("slug").values_list("slug", flat=True)) or "-"
        raise CommandError(
            translation.gettext("There is no wave '%(slug)s'. Known waves: %(known)s.")
            % {"slug": slug, "known": known}
        )
    return wave


def _shown(value, decimals: int, unit: str) -> str:
    """A rounded value as printed in Dutch: decimal comma, '%' for percentages, '.' for
    an empty or suppressed cell."""
    if value is None:
        return "."
    text = str(int(value)) if decimals == 0 else f"{value:.{decimals}f}".replace(".", ",")
    return text + "%" if unit == "percent" else text


def render_text(report: dict, language: str = "nl") -> str:
    """A readable rendering of :func:`reporting.report_json`: one block per table with its
    id, the printed tables it reproduces, one line per row and the base (n) per column."""
    lines = [f"{report['wave']} ({report['instrument']}), min_cell {report['min_cell']}", ""]
    for table in report["tables"]:
        title = table.get(f"title_{language}") or table.get("title_nl") or ""
        lines.append(f"[{table['id']}] {title}")
        if table.get("reproduces"):
            lines.append("  reproduces: " + ", ".join(table["reproduces"]))
        columns = table["columns"]
        labels = [row.get(f"label_{language}") or row["code"] for row in table["rows"]]
        width = min(48, max([len("n"), *(len(label) for label in labels)]))
        cell = max(8, *(len(column) for column in columns)) if columns else 8
        lines.append("  " + " " * width + "".join(f" {column:>{cell}}" for column in columns))
        for label, row in zip(labels, table["rows"], strict=True):
            values = "".join(
                f" {_shown(row['values'].get(column), row['decimals'], row['unit']):>{cell}}"
                for column in columns
            )
            lines.append(f"  {label[:width]:<{width}}{values}")
        base = "".join(
            f" {('.' if table['base'].get(c) is None else table['base'][c]):>{cell}}"
            for c in columns
        )
        lines.append(f"  {'n':<{width}}{base}")
        if table.get("suppressed"):
            lines.append("  suppressed (< min_cell): " + ", ".join(table["suppressed"]))
        lines.append("")
    return "\n".join(lines)


class Command(BaseCommand):
    help = (
        "Monitor waves: import responses from CSV (all rows or none), print the report "
        "(--json for every table with its stable id), export raw responses (CSV, XLSX)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--language", default=settings.LANGUAGE_CODE, choices=["nl", "en"])
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

        importing = actions.add_parser(
            "import", help="Import responses: one row per municipality (cbs_code column)."
        )
        importing.add_argument("wave", help="Slug of the wave.")
        importing.add_argument("file", type=Path, help="UTF-8 CSV, ';' or ',' separated.")
        importing.add_argument(
            "--replace-submitted",
            action="store_true",
            help="Also overwrite answers that municipalities submitted online.",
        )

        reporting = actions.add_parser("report", help="Print every table of the wave.")
        reporting.add_argument("wave", help="Slug of the wave.")
        reporting.add_argument("--json", action="store_true", help="Print JSON.")

        exporting = actions.add_parser("export", help="Write the raw responses (analysts).")
        exporting.add_argument("wave", help="Slug of the wave.")
        exporting.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        exporting.add_argument("--output", type=Path, required=True, help="File to write.")

    def handle(self, *args, **options):
        with translation.override(options["language"]):
            wave = _wave(options["wave"])
            action = options["action"]
            if action == "import":
                self._import(wave, options)
            elif action == "report":
                self._report(wave, options)
            else:
                self._export(wave, options)

    def _import(self, wave: Wave, options) -> None:
        from kennisschakel.core.tabular import command_error
        from kennisschakel.monitor.imports import ImportRejected, import_responses

        path = options["file"]
        try:
            # The path itself, so the size limit is checked before the file is read.
            result = import_responses(wave, path, replace_submitted=options["replace_submitted"])
        except OSError as error:
            raise CommandError(str(error)) from error
        except ImportRejected as rejected:
            raise command_error(rejected, stderr=self.stderr) from rejected
        submitted = wave.invitations.filter(submitted_at__isnull=False).count()
        self.stdout.write(str(result))
        self.stdout.write(
            translation.gettext("%(submitted)s of %(total)s municipalities have responded.")
            % {"submitted": submitted, "total": wave.invitations.count()}
        )

    def _report(self, wave: Wave, options) -> None:
        from kennisschakel.monitor.reporting import report_json

        report = report_json(wave)
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=1))
        else:
            self.stdout.write(render_text(report, translation.get_language() or "nl"))

    def _export(self, wave: Wave, options) -> None:
        from kennisschakel.monitor.imports import export_csv, export_xlsx

        path: Path = options["output"]
        try:
            if options["format"] == "xlsx":
                path.write_bytes(export_xlsx(wave))
            else:
                path.write_text(export_csv(wave), encoding="utf-8", newline="")
        except OSError as error:
            raise CommandError(str(error)) from error
        count = wave.invitations.filter(submitted_at__isnull=False).count()
        self.stdout.write(
            translation.gettext("%(count)s responses written to %(path)s.")
            % {"count": count, "path": path}
        )
