"""SVG drawn by matplotlib, made fit for a page whose CSP allows no inline styles.

matplotlib writes ``style="fill: #0b3d66; stroke-width: 0.8"`` on each shape and a
``<style>`` element; the Content-Security-Policy (style-src 'self') blocks both when the
SVG is part of a page. The same properties as SVG presentation attributes
(``fill="#0b3d66"``) are markup, not style, and draw identically.
"""

import re
from html import escape, unescape

_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')
_STYLE_ELEMENT = re.compile(r"<style[^>]*>(.*?)</style>\s*", re.DOTALL)
_UNIVERSAL_RULE = re.compile(r"\*\s*\{([^}]*)\}")
_SVG_OPEN = re.compile(r"<svg\b")


def _declarations(css: str) -> list[tuple[str, str]]:
    pairs = []
    for declaration in unescape(css).split(";"):
        name, _colon, value = declaration.partition(":")
        if name.strip() and value.strip():
            pairs.append((name.strip(), value.strip()))
    return pairs


def _as_attributes(css: str) -> str:
    return "".join(f' {name}="{escape(value)}"' for name, value in _declarations(css))


def without_inline_styles(svg: str) -> str:
    """Move every style attribute into presentation attributes; the ``* {…}`` rule of the
    ``<style>`` element goes onto the root ``<svg>``, from where the properties inherit."""
    universal = ""
    for block in _STYLE_ELEMENT.findall(svg):
        universal += "".join(_UNIVERSAL_RULE.findall(block))
    svg = _STYLE_ELEMENT.sub("", svg)
    svg = _STYLE_ATTRIBUTE.sub(lambda match: _as_attributes(match.group(1)), svg)
    if universal:
        svg = _SVG_OPEN.sub("<svg" + _as_attributes(universal), svg, count=1)
    return svg
