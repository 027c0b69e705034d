"""Snippets: escaped, around the best passage, matches marked."""

from kennisschakel.engines.text.snippets import highlight


def test_matches_are_marked_and_html_is_escaped(analyzer):
    snippet = highlight("Armoedebestrijding <script>x</script> in de wijk.", "armoede", analyzer)
    assert snippet == ("<mark>Armoedebestrijding</mark> &lt;script&gt;x&lt;/script&gt; in de wijk.")


def test_matching_ignores_case_diacritics_and_endings(analyzer):
    snippet = highlight("Alle GEMEENTEN hebben het geëvalueerd.", "gemeente geevalueerd", analyzer)
    assert snippet == "Alle <mark>GEMEENTEN</mark> hebben het <mark>geëvalueerd</mark>."


def test_synonyms_are_marked(analyzer):
    snippet = highlight("Hulp uit de maatschappelijke ondersteuning.", "Wmo", analyzer)
    assert "<mark>maatschappelijke</mark> <mark>ondersteuning</mark>" in snippet


def test_long_text_is_cut_around_the_best_passage(analyzer):
    text = (
        ("Een lange inleiding over van alles. " * 20)
        + "Hier gaat het om afval en de wijk. "
        + ("Nog meer tekst zonder belang. " * 20)
    )
    snippet = highlight(text, "afval wijk", analyzer, max_chars=120)
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "<mark>afval</mark>" in snippet and "<mark>wijk</mark>" in snippet
    assert len(snippet.replace("<mark>", "").replace("</mark>", "")) <= 122


def test_without_matches_the_start_is_shown(analyzer):
    text = "Eerste zin over iets. " * 30
    snippet = highlight(text, "", analyzer, max_chars=50)
    assert snippet.startswith("Eerste zin") and snippet.endswith("…")
    assert "<mark>" not in snippet
    assert highlight("", "afval", analyzer) == ""


def test_escaping_applies_outside_matches_too(analyzer):
    assert highlight("a & b < c", "", analyzer) == "a &amp; b &lt; c"
