"""QR codes of the personal links on the letters, as inline SVG (no Django in here: the
PDF's rendering processes run :func:`draw_qr_codes`).

The letter's HTML holds only a reference (``<div class="qr" data-qr="URL">``); the
codes are made where each part of the letters is laid out (``files.pdf.render_parts``'s
``prepare``), side by side: choosing a QR code's mask is most of its cost.
"""

import html
import re

import segno

_REFERENCE = re.compile(r'<div class="qr" data-qr="([^"]*)">')


def qr_svg(url: str) -> str:
    """The QR code of ``url`` as inline SVG: WeasyPrint draws it as vector paths, sharp
    at any print resolution. Error correction M (15 %) survives a fold or a smudge; the
    size comes from the letter's CSS (``omitsize``), the quiet zone of 4 modules is kept."""
    return segno.make_qr(url, error="m").svg_inline(
        omitsize=True, border=4, title="QR-code met uw persoonlijke link"
    )  # the letters are in Dutch only


def draw_qr_codes(document: str) -> str:
    """The HTML with every QR reference filled in with its SVG."""
    return _REFERENCE.sub(
        lambda match: f'<div class="qr">{qr_svg(html.unescape(match.group(1)))}', document
    )
