"""Markdown to safe HTML: Markdown renders, nh3 removes everything that could run."""

import html
import re

import markdown
import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "code", "pre",
    "h3", "h4", "h5", "a", "table", "thead", "tbody", "tr", "th", "td", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
# Only these link targets; javascript:, data: and the like are dropped by nh3.
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


_HEADING = re.compile(r"<(/?)h([1-4])>")


def _demote_headings(rendered: str) -> str:
    # The page already has h1 (the title) and h2 (its sections): a heading in
    # the author's text becomes h3 or lower, so the outline stays correct.
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{max(3, int(m.group(2)) + 1)}>", rendered)


def render_markdown(text: str) -> str:
    rendered = markdown.markdown(
        text or "", extensions=["tables", "sane_lists"], output_format="html"
    )
    return nh3.clean(
        _demote_headings(rendered),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def plain_text(text: str) -> str:
    """The words of a Markdown text without markup, e.g. for search snippets."""
    stripped = nh3.clean(render_markdown(text), tags=set())
    return re.sub(r"\s+", " ", html.unescape(stripped)).strip()
