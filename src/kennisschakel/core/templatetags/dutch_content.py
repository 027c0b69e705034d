"""Dutch content on an English page: mark it, say so once, and label reference data.

The interface is translated; what municipalities write (practices, lessons, questions,
partnership descriptions) is not. In English mode that text must carry ``lang="nl"``
(screen readers switch voice, browsers hyphenate and spell-check it as Dutch, axe checks
the attribute) and the reader must be told once why it is Dutch. In Dutch mode the page
itself is ``lang="nl"``, so nothing is added.

``{% load dutch_content %}`` gives:

- ``<p{% lang_nl %}>{{ practice.summary }}</p>``: the attribute, for block elements;
- ``{{ practice.title|dutch }}``: inline text wrapped in ``<span lang="nl">`` (escaped);
- ``{% dutch %}…{% enddutch %}``: a ``<div lang="nl">`` around a block of markup;
- ``{% dutch_note %}``: the one-line note "Content written by municipalities is shown in
  Dutch.", rendered at most once per request and only when the interface is not Dutch;
- ``{{ motive|localized:"label" }}``: a bilingual reference-data label (``label_en`` /
  ``label_nl``, ``name_en`` / ``name_nl``) in the active language, Dutch when no English
  label exists.
"""

from django import template
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from kennisschakel.core.i18n import current_language

register = template.Library()

# Marker on the request so the note appears once even when partials include it again.
_NOTE_SHOWN = "_kennisschakel_dutch_note_shown"


def is_dutch_interface() -> bool:
    return current_language() == "nl"


@register.simple_tag
def lang_nl() -> str:
    """`` lang="nl"`` (with its leading space) when the interface is not Dutch."""
    return "" if is_dutch_interface() else mark_safe(' lang="nl"')


@register.filter("dutch", needs_autoescape=True)
def dutch_filter(value, autoescape=True):
    """Inline Dutch text: ``<span lang="nl">…</span>`` in English mode, the text itself in Dutch."""
    if value is None or value == "":
        return value
    text = conditional_escape(value) if autoescape else value
    if is_dutch_interface():
        return text
    return format_html('<span lang="nl">{}</span>', text)


class DutchNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        inner = self.nodelist.render(context)
        if is_dutch_interface() or not inner.strip():
            return inner
        # The inner markup is the template's own output, already auto-escaped.
        return mark_safe(f'<div lang="nl">{inner}</div>')  # noqa: S308


@register.tag("dutch")
def dutch_block(parser, token):
    """``{% dutch %}…{% enddutch %}``: a block of Dutch markup in a ``<div lang="nl">``."""
    nodelist = parser.parse(("enddutch",))
    parser.delete_first_token()
    return DutchNode(nodelist)


@register.simple_tag(takes_context=True)
def dutch_note(context, summaries=False) -> str:
    """The note that content is Dutch: English mode only, once per request.

    ``{% dutch_note summaries=True %}`` on practice pages adds that English summaries are
    shown where the owner wrote one (Practice.summary_en).
    """
    if is_dutch_interface():
        return ""
    request = context.get("request")
    if request is not None:
        if getattr(request, _NOTE_SHOWN, False):
            return ""
        setattr(request, _NOTE_SHOWN, True)
    return render_to_string("core/_dutch_note.html", {"summaries": summaries}, request=request)


@register.filter
def language_name(code: str) -> str:
    """A language code as its name in the interface language ("nl" → "Dutch"); unknown
    codes (free input in a spreadsheet import) are shown as they are, never an error."""
    try:
        return translation.get_language_info(str(code))["name_translated"]
    except KeyError:
        return code


@register.filter
def localized(obj, field: str = "name"):
    """``obj.<field>_en`` in English mode when filled, otherwise ``obj.<field>_nl``.

    Models with the BilingualMixin already have ``localized()``; this filter also serves
    reference rows without it (Motive) and leaves plain strings alone.
    """
    if obj is None or isinstance(obj, str):
        return obj
    dutch_value = getattr(obj, f"{field}_nl", None)
    if dutch_value is None:
        return getattr(obj, field, obj)
    if not is_dutch_interface():
        english_value = getattr(obj, f"{field}_{current_language()}", "")
        if english_value:
            return english_value
    return dutch_value
