"""PDF benchmark: the analyst report and the letters of a 342-municipality wave (SYNTHETIC).

    .venv/bin/python benchmarks/pdf_generation.py
    .venv/bin/python benchmarks/pdf_generation.py --compare /work/baseline   # before/after
    .venv/bin/python benchmarks/pdf_generation.py --repeat 3 --profile report
    .venv/bin/python benchmarks/pdf_generation.py --processes 1   # no parallel layout

What it does, for each source tree measured (this checkout; with ``--compare DIR`` also
the tree at DIR, e.g. the previous version, each in a process of its own with
``PYTHONPATH=DIR/src``):

1. a throwaway SQLite database in a temporary directory (deleted afterwards), built with
   ``migrate``, the register's reference data (provinces, size classes, the 342
   municipalities, mergers) and the monitor instruments;
2. two closed waves of the full ``gib`` instrument (reference dates 1 January of last
   year and this year, so the report has its "over the waves" tables), in which *every*
   municipality answers: SYNTHETIC random answers that follow the routing, imported as a
   response CSV (``monitor.imports.import_responses``); and one open wave of this year
   that nobody has answered yet (the letters: one per municipality, 342);
3. with the new code, the rendering processes started and warmed first, as
   ``kennisschakel worker`` does when it starts (``files.pdf.start_pool``);
4. timed, ``--repeat`` times (the first run apart: it pays for imports and whatever
   was not warmed). Every report run is a report never made before: the caches of
   computed reports and drawn charts are emptied first (new answers would do the same);
   * the analyst report of the newest wave: HTML (``report_context``, the template; the
     charts as pictures, or, with the new code, references drawn in the step after) and
     WeasyPrint (HTML → PDF bytes, with the new code the charts too), separately;
   * the letters: new codes for the 342 municipalities, HTML, WeasyPrint, separately.
   With the new code the functions the background task runs are timed
   (``kennisschakel.monitor.pdfs``: the document in parts, laid out side by side by
   ``files/pdf.py``'s process pool and merged); with an older tree the code its view ran.
   Besides wall-clock seconds, "WeasyPrint CPU" is the CPU time of the layout (this
   process and the pool's), which a busy machine does not inflate.

Targets (issue 11): each PDF ≤ 10 s, made off-request. Nothing here touches the
development or test databases.
"""

import argparse
import datetime
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DECIMAL = re.compile(r"-?\d+\.\d+")
WORDS = ("stedenband", "jumelage", "euregio", "millennium", "draagvlak", "subsidie", "netwerk")


# --------------------------------------------------------------------------- the driver


def stored_status(status: str) -> dict:
    """``{"status": …}`` for a tree that stores a wave's status (before issue 14); since
    then the status follows the dates, which the callers set to match."""
    from kennisschakel.monitor.models import Wave

    return {"status": status} if any(f.name == "status" for f in Wave._meta.fields) else {}


def compare(args) -> None:
    """Run the measurement once per tree, each in its own process, and print side by side."""
    trees = [("after (this checkout)", ROOT / "src")]
    if args.compare:
        trees.insert(0, (f"before ({args.compare})", Path(args.compare).resolve() / "src"))
    results = {}
    for label, src in trees:
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"=== {label}   (load average {load} on {os.cpu_count()} cores)", flush=True)
        env = {**os.environ, "PYTHONPATH": str(src)}
        if args.processes:
            env["KENNISSCHAKEL_PDF_PROCESSES"] = str(args.processes)
        command = [sys.executable, __file__, "--measure", "--repeat", str(args.repeat)]
        command += ["--waves", str(args.waves)]
        if args.profile:
            command += ["--profile", args.profile]
        output = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
        print(output, end="", flush=True)
        results[label] = dict(
            line.split("\t")[1:] for line in output.splitlines() if line.startswith("RESULT\t")
        )
    if len(results) > 1:
        print("\n=== side by side (seconds, median of the runs after the first)")
        keys = list(next(iter(results.values())))
        print(f"{'':34}" + "".join(f"{label[:28]:>30}" for label in results))
        for key in keys:
            row = "".join(f"{results[label].get(key, '-'):>30}" for label in results)
            print(f"{key:34}{row}")


# --------------------------------------------------------------------------- one tree


def setup_django(directory: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{directory / 'pdf.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "kennisschakel.settings"
    os.environ["KENNISSCHAKEL_DEBUG"] = "1"
    os.environ["KENNISSCHAKEL_LOG_LEVEL"] = "WARNING"
    os.environ["KENNISSCHAKEL_VAR_DIR"] = str(directory)
    if "PYTHONPATH" not in os.environ:
        sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False  # no query log while timing
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def synthetic_answer(question, rng: random.Random):
    from kennisschakel.engines.survey.instrument import MULTIPLE_TYPES

    if question.code == "heeft_beleid":
        return "ja" if rng.random() < 0.77 else "nee"
    if question.type in MULTIPLE_TYPES:
        exclusive = [o.code for o in question.options if o.exclusive]
        if exclusive and rng.random() < 0.1:
            return [rng.choice(exclusive)]
        free = [o.code for o in question.options if not o.exclusive]
        chosen = set(rng.sample(free, rng.randint(1, question.max_choices or min(3, len(free)))))
        return [code for code in question.option_codes if code in chosen]
    if question.options:
        return rng.choice(question.option_codes)
    if question.type == "scale":
        return rng.randint(question.scale_min, question.scale_max)
    if question.type == "number":
        low = question.min if question.min is not None else 0
        high = min(question.max if question.max is not None else 1000, low + 500)
        value = round(rng.uniform(low, high), question.decimals)
        return int(value) if question.decimals == 0 else value
    text = "SYNTHETIC " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 12)))
    return text[: question.max_length or 200]


def response_csv(wave, rng: random.Random) -> str:
    import csv
    import io

    from kennisschakel.monitor.imports import answers_to_row, columns_of

    instrument = wave.instrument.engine()
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(columns_of(instrument))
    for code, name in wave.invitations.order_by("cbs_code").values_list("cbs_code", "name"):
        values: dict = {}
        for block in instrument.blocks:
            if not block.condition_met(values):
                continue
            for question in block.questions:
                if question.condition_met(values) and (question.required or rng.random() < 0.8):
                    values[question.code] = synthetic_answer(question, rng)
        row = answers_to_row(instrument, values)
        cells = [c.replace(".", ",") if DECIMAL.fullmatch(c) else c for c in row.values()]
        writer.writerow([code, name, *cells])
    return out.getvalue()


def make_data(closed_waves: int):
    from django.core.management import call_command
    from django.db import transaction

    from kennisschakel.monitor import services
    from kennisschakel.monitor.imports import import_responses
    from kennisschakel.monitor.instruments import load_instruments
    from kennisschakel.monitor.models import Instrument
    from kennisschakel.register import loaders
    from kennisschakel.register.models import SizeScheme

    call_command("migrate", verbosity=0)
    with transaction.atomic():
        for loader in (
            loaders.load_provinces,
            loaders.load_policy_domains,
            loaders.load_size_classes,
            loaders.load_municipalities,
            loaders.load_mergers,
        ):
            loader()
        load_instruments()
    rng = random.Random(20261202)
    year = datetime.date.today().year
    wave = None
    for reference_year in range(year - closed_waves + 1, year + 1):
        reference = datetime.date(reference_year, 1, 1)
        wave = services.create_wave(
            {
                "slug": f"gib-{reference_year}-synthetic",
                "instrument": Instrument.objects.get(slug="gib"),
                "title": f"SYNTHETIC monitor {reference_year}",
                "period": str(reference_year),
                "reference_date": reference,
                "size_scheme": SizeScheme.objects.get(slug="gib2009"),
                "opens_on": reference,
                "closes_on": reference + datetime.timedelta(days=90),
                **stored_status("closed"),
            }
        )
        import_responses(wave, response_csv(wave, rng))
    # The letters go to a wave that is open: nobody has submitted, 342 letters.
    open_wave = services.create_wave(
        {
            "slug": f"gib-{year}-open-synthetic",
            "instrument": Instrument.objects.get(slug="gib"),
            "title": f"SYNTHETIC monitor {year} (open)",
            "period": str(year),
            "reference_date": datetime.date(year, 1, 1),
            "size_scheme": SizeScheme.objects.get(slug="gib2009"),
            "opens_on": datetime.date.today(),
            "closes_on": datetime.date.today() + datetime.timedelta(days=60),
            **stored_status("open"),
        }
    )
    return wave, open_wave


def report_steps(wave):
    """(html(), pdf(html)) of the analyst report: the task's code, or an older view's."""
    try:
        from kennisschakel.monitor import pdfs
    except ImportError:
        pdfs = None
    if pdfs is not None:  # parts laid out side by side (files/pdf.py), merged
        return (lambda: pdfs.report_parts(wave)), getattr(pdfs, "report_to_pdf", pdfs.parts_to_pdf)
    from django.template.loader import render_to_string
    from weasyprint import HTML

    from kennisschakel.monitor.pdfs import PDF_DOCUMENT
    from kennisschakel.monitor.report_pages import report_context

    def html():
        context = report_context(wave, chart_format="png")
        context.update(layout=PDF_DOCUMENT, pdf=True)
        return render_to_string("monitor/report.html", context)

    return html, lambda text: HTML(string=text).write_pdf()


def letters_steps(wave):
    from kennisschakel.monitor import services

    try:
        from kennisschakel.monitor import pdfs
    except ImportError:
        pdfs = None
    if pdfs is not None:
        return (
            lambda: pdfs.letters_parts(wave, services.issue_letter_codes(wave)),
            pdfs.parts_to_pdf,
        )
    from django.template.loader import render_to_string
    from django.utils import timezone
    from weasyprint import HTML

    def html():
        return render_to_string(
            "monitor/letters_document.html",
            {
                "wave": wave,
                "letters": services.issue_letter_codes(wave),
                "url": services.answer_url(wave),
                "today": timezone.localdate(),
            },
        )

    return html, lambda text: HTML(string=text).write_pdf()


def pool_cpu_seconds() -> float:
    """CPU seconds the new code's rendering processes spent (0 for an older tree)."""
    try:
        from kennisschakel.files import pdf
    except ImportError:
        return 0.0
    return pdf.last_pool_cpu_seconds


def start_rendering_processes() -> int | None:
    """What ``kennisschakel worker`` does at start (None for a tree without it)."""
    try:
        from kennisschakel.files.pdf import start_pool
    except ImportError:
        return None
    return start_pool()


def forget_reports() -> None:
    """Empty the caches a report made before would be taken from."""
    from django.core.cache import cache

    from kennisschakel.monitor import charts

    cache.clear()
    for name in ("_draw_png", "_draw"):  # an older tree also cached the PDF's pictures
        if hasattr(getattr(charts, name, None), "cache_clear"):
            getattr(charts, name).cache_clear()
    getattr(charts, "_png_cache", {}).clear()


def pages_of(pdf: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def measure(args) -> None:
    with tempfile.TemporaryDirectory(prefix="kennisschakel-pdf-") as directory:
        setup_django(Path(directory))
        from django.utils import translation

        translation.activate("nl")
        started = time.perf_counter()
        wave, open_wave = make_data(args.waves)
        print(
            f"data: {args.waves} closed waves + 1 open x 342 municipalities  "
            f"{time.perf_counter() - started:6.1f} s"
        )
        started = time.perf_counter()
        warmed = start_rendering_processes()
        if warmed is not None:
            seconds = time.perf_counter() - started
            print(f"rendering processes started and warmed (as the worker does): {warmed}  "
                  f"{seconds:6.1f} s")  # fmt: skip
        for name, steps in (("report", report_steps(wave)), ("letters", letters_steps(open_wave))):
            html_step, pdf_step = steps
            html_times, pdf_times, cpu_times = [], [], []
            for run in range(args.repeat + 1):
                if name == "report":
                    forget_reports()
                started = time.perf_counter()
                html = html_step()
                middle = time.perf_counter()
                cpu_started = time.process_time()
                if args.profile == name and run == args.repeat:
                    import cProfile
                    import pstats

                    profiler = cProfile.Profile()
                    pdf = profiler.runcall(pdf_step, html)
                    pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
                else:
                    pdf = pdf_step(html)
                ended = time.perf_counter()
                cpu = time.process_time() - cpu_started + pool_cpu_seconds()
                cpu_times.append(cpu)
                html_times.append(middle - started)
                pdf_times.append(ended - middle)
                print(
                    f"{name:8} run {run + 1}{' (first)' if run == 0 else '':8}  "
                    f"HTML {middle - started:6.2f} s   WeasyPrint {ended - middle:6.2f} s   "
                    f"total {ended - started:6.2f} s   WeasyPrint CPU {cpu:6.2f} s   "
                    f"({sum(map(len, html if isinstance(html, list) else [html])) / 1024:.0f}"
                    f" KiB HTML{f' in {len(html)} parts' if isinstance(html, list) else ''}, "
                    f"{pages_of(pdf)} pages, {len(pdf) / 1024:.0f} KiB PDF)",
                    flush=True,
                )
            later_html = statistics.median(html_times[1:] or html_times)
            later_pdf = statistics.median(pdf_times[1:] or pdf_times)
            print(f"RESULT\t{name} first run total\t{html_times[0] + pdf_times[0]:.2f}")
            print(f"RESULT\t{name} HTML\t{later_html:.2f}")
            print(f"RESULT\t{name} WeasyPrint\t{later_pdf:.2f}")
            print(f"RESULT\t{name} total\t{later_html + later_pdf:.2f}")
            later_cpu = statistics.median(cpu_times[1:] or cpu_times)
            print(f"RESULT\t{name} WeasyPrint CPU\t{later_cpu:.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2, help="runs after the first (default 2)")
    parser.add_argument("--compare", metavar="DIR", help="also measure the source tree at DIR")
    parser.add_argument("--profile", choices=["report", "letters"], help="cProfile WeasyPrint")
    parser.add_argument("--waves", type=int, default=2, help="closed waves (default 2)")
    parser.add_argument(
        "--processes", type=int, help="rendering processes (KENNISSCHAKEL_PDF_PROCESSES)"
    )
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args)
    else:
        compare(args)


if __name__ == "__main__":
    main()
