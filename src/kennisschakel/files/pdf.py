"""HTML → PDF with WeasyPrint, for the background tasks (no Django in here: the
rendering processes import only this module).

* Pictures are handed to WeasyPrint by reference (``<img src="pdfimage:3">`` and the
  bytes beside the HTML) instead of as data: URLs: the HTML parser does not wade through
  megabytes of base64. Any other URL is refused: a PDF never fetches from the network
  or the file system, whatever text ends up in it.
* A document given in parts is laid out by a pool of processes at once (each part its
  own WeasyPrint run, on the cores the machine has) and the parts are merged with pypdf.
  ``KENNISSCHAKEL_PDF_PROCESSES`` (environment) sets the pool size; 1 lays out in the
  calling process.
* A part may still need work that belongs with its layout (``prepare``: the report's
  charts are drawn there), so that it too is done side by side. ``start_pool()`` starts
  the pool ahead of the first document (``kennisschakel worker`` does, at start): each
  process loads WeasyPrint's and matplotlib's fonts then, not in the first user's wait.
"""

import base64
import io
import os
import re
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool

IMAGE_SCHEME = "pdfimage:"
_DATA_URL = re.compile(r'src="data:(image/(?:png|jpeg|svg\+xml));base64,([^"]*)"')

_pool: ProcessPoolExecutor | None = None
#: CPU seconds the pool's processes spent on the last ``render_parts`` (for benchmarks).
last_pool_cpu_seconds = 0.0


def processes() -> int:
    configured = os.environ.get("KENNISSCHAKEL_PDF_PROCESSES")
    if configured:
        return max(1, int(configured))
    return max(1, min(2, os.cpu_count() or 1))


def extract_images(html: str) -> tuple[str, dict[str, tuple[str, bytes]]]:
    """The HTML with its data: pictures replaced by references, and the pictures."""
    images: dict[str, tuple[str, bytes]] = {}

    def keep(match):
        key = str(len(images))
        images[key] = (match.group(1), base64.b64decode(match.group(2)))
        return f'src="{IMAGE_SCHEME}{key}"'

    return _DATA_URL.sub(keep, html), images


def render(html: str, images: dict | None = None) -> bytes:
    """One document: HTML (pictures as data: URLs or references) → PDF bytes."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    if images is None:
        html, images = extract_images(html)

    class OwnImagesOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith(IMAGE_SCHEME) and url[len(IMAGE_SCHEME) :] in images:
                mime, data = images[url[len(IMAGE_SCHEME) :]]
                return URLFetcherResponse(url, data, {"Content-Type": mime})
            raise ValueError(f"a PDF fetches nothing from outside: {url[:80]}")

    return HTML(string=html, url_fetcher=OwnImagesOnly()).write_pdf()


def _render_part(html: str, prepare: Callable[[str], str] | None) -> tuple[bytes, float]:
    import time  # in a pool process

    started = time.process_time()
    return render(prepare(html) if prepare else html), time.process_time() - started


#: A page with text in bold and italic: laying it out loads the fonts the documents use.
_WARM_UP_HTML = "<p>Kennisschakel <b>vet</b> <i>cursief</i> 0123456789 €</p>"


def warm_up_process() -> None:
    """Load what the first document would otherwise pay for: WeasyPrint's fonts and
    matplotlib's font cache and Agg renderer (each a second or more on first use)."""
    render(_WARM_UP_HTML)
    try:
        from matplotlib.figure import Figure
    except ImportError:  # pictures are optional for this module
        return
    figure = Figure(figsize=(1, 1))
    figure.subplots().bar([0], [1], label="x")
    figure.legend()
    figure.savefig(io.BytesIO(), format="png", dpi=20)


def _started(_index: int) -> int:  # in a pool process, after warm_up_process
    import time

    time.sleep(0.2)  # busy a moment, so that the next job goes to another process
    return os.getpid()


def _executor() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        import multiprocessing

        # forkserver: the pool's processes start from a clean process that has loaded
        # WeasyPrint once, never from the worker with its open database connections.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["weasyprint", "matplotlib", "kennisschakel.files.pdf"])
        _pool = ProcessPoolExecutor(
            max_workers=processes(), mp_context=context, initializer=warm_up_process
        )
    return _pool


def start_pool() -> int:
    """Start the pool's processes now and let each load its fonts; how many answered.
    0 when documents are laid out in the calling process (one rendering process)."""
    global _pool
    if processes() < 2:
        return 0
    try:
        # As many jobs as processes, submitted at once: each busy process makes the
        # pool start another, so every one of them runs its warm-up. A process still
        # loading its fonts takes no job, so the first one may answer them all: ask
        # again until every process has answered (or half a minute has gone by).
        import time

        wanted, answered = processes(), set()
        deadline = time.monotonic() + 30
        while len(answered) < wanted and time.monotonic() < deadline:
            answered |= set(_executor().map(_started, range(wanted)))
        return len(answered)
    except BrokenProcessPool:
        _pool = None
        return 0


def render_parts(
    parts: list[str],
    progress: Callable[[int, int], None] | None = None,
    prepare: Callable[[str], str] | None = None,
) -> bytes:
    """Several HTML documents → one PDF, their pages in order; ``progress(done, total)``
    after each part. ``prepare(html) -> html`` runs on each part just before its layout,
    in the same process (a module-level function of a module without Django)."""
    from pypdf import PdfWriter

    global _pool, last_pool_cpu_seconds
    last_pool_cpu_seconds = 0.0
    total = len(parts)
    pdfs: list[bytes | None] = [None] * total
    if processes() > 1 and total > 1:
        try:
            futures = {_executor().submit(_render_part, html, prepare): index
                       for index, html in enumerate(parts)}  # fmt: skip
            for done, future in enumerate(as_completed(futures), start=1):
                pdfs[futures[future]], cpu = future.result()
                last_pool_cpu_seconds += cpu
                if progress:
                    progress(done, total)
        except BrokenProcessPool:  # a pool process died (memory?): once more, in-process
            _pool = None
            pdfs = [None] * total
    for index, html in enumerate(parts):
        if pdfs[index] is None:
            pdfs[index] = render(prepare(html) if prepare else html)
            if progress:
                progress(index + 1, total)
    if total == 1:
        return pdfs[0]
    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(io.BytesIO(pdf))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
