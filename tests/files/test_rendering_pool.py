"""The rendering processes of files.pdf: started ahead and warmed; parts laid out there."""

import io
import os

from pypdf import PdfReader

from kennisschakel.files import pdf
from kennisschakel.monitor import charts


def test_start_pool_warms_every_process(monkeypatch):
    monkeypatch.setenv("KENNISSCHAKEL_PDF_PROCESSES", "2")
    assert pdf.start_pool() == 2
    pids = set(pdf._executor().map(pdf._started, range(4)))
    assert os.getpid() not in pids


def test_one_rendering_process_starts_no_pool(monkeypatch):
    monkeypatch.setenv("KENNISSCHAKEL_PDF_PROCESSES", "1")
    assert pdf.start_pool() == 0


def test_parts_are_prepared_where_they_are_laid_out(monkeypatch):
    """A chart reference becomes a picture in the rendering process: the PDF shows it."""
    key = (
        '{"columns": [["a", "A"], ["total", "Alle"]], "note": "", "rows": [["Ja", [40, 60]]],'
        ' "suppressed": [], "title": "T", "unit": "percent"}'
    )
    part = f'<p>Deel</p><img src="{charts.chart_reference(key)}" alt="grafiek">'
    for processes in ("2", "1"):
        monkeypatch.setenv("KENNISSCHAKEL_PDF_PROCESSES", processes)
        document = pdf.render_parts([part, part], prepare=charts.draw_referenced_charts)
        pages = PdfReader(io.BytesIO(document)).pages
        assert len(pages) == 2
        assert [len(page.images) for page in pages] == [1, 1]
    # Without prepare the reference is refused (a PDF fetches nothing), so no picture.
    monkeypatch.setenv("KENNISSCHAKEL_PDF_PROCESSES", "1")
    bare = PdfReader(io.BytesIO(pdf.render_parts([part]))).pages[0]
    assert len(bare.images) == 0


def test_warm_up_lays_out_a_real_document():
    pdf.warm_up_process()  # raises if WeasyPrint or matplotlib cannot draw
    assert pdf.render(pdf._WARM_UP_HTML).startswith(b"%PDF")
