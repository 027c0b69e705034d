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


def _render_part(html: str) -> tuple[bytes, float]:  # in a pool process
    import time

    started = time.process_time()
    return render(html), time.process_time() - started


def _executor() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        import multiprocessing

        # forkserver: the pool's processes start from a clean process that has loaded
        # WeasyPrint once, never from the worker with its open database connections.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["weasyprint", "kennisschakel.files.pdf"])
        _pool = ProcessPoolExecutor(max_workers=processes(), mp_context=context)
    return _pool


def render_parts(parts: list[str], progress: Callable[[int, int], None] | None = None) -> bytes:
    """Several HTML documents → one PDF, their pages in order; ``progress(done, total)``
    after each part."""
    from pypdf import PdfWriter

    global _pool, last_pool_cpu_seconds
    last_pool_cpu_seconds = 0.0
    total = len(parts)
    pdfs: list[bytes | None] = [None] * total
    if processes() > 1 and total > 1:
        try:
            futures = {_executor().submit(_render_part, html): index
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
            pdfs[index] = render(html)
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
