"""The party combobox's spoken texts (register/widgets/party_combobox.html, read by
combobox.js): translated in Dutch and English, with "%s" left for the script to fill.
A {% translate %} holding "%" is looked up as "%%s …" and so never translated (issue 13)."""

import html
import re

import pytest
from django.utils import translation

from kennisschakel.register.widgets import PartyCombobox, PartyListCombobox

pytestmark = pytest.mark.django_db


def _data(widget, name: str) -> str:
    rendered = widget.render("other_party", "", attrs={"id": "id_other_party"})
    return html.unescape(re.search(rf'data-{name}="([^"]*)"', rendered).group(1))


@pytest.mark.parametrize("widget_class", [PartyCombobox, PartyListCombobox])
@pytest.mark.parametrize(
    "language, count, chosen",
    [
        ("nl", "%s suggesties; kies met de pijltjestoetsen.", "Gekozen: %s"),
        ("en", "%s suggestions; use the arrow keys to choose.", "Chosen: %s"),
    ],
)
def test_count_and_choice_texts_are_translated_with_a_place_for_the_script(
    widget_class, language, count, chosen
):
    with translation.override(language):
        widget = widget_class()
        assert _data(widget, "count-text") == count
        assert _data(widget, "chosen-text") == chosen
        # What combobox.js makes of it: the one "%s" replaced by the number.
        assert _data(widget, "count-text").replace("%s", "3", 1).startswith("3 sugg")
