"""The site shell: the folding main menu, the API link in the footer, the NL Design System
stylesheets and theme, scrolling table boxes and the filter panels' counts (issue 13).
The layout itself is checked in a browser: tests/core/test_mobile_layout_browser.py."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import override_settings
from django.urls import reverse

from kennisschakel.core.templatetags.filterpanel import active_facets, active_filters
from kennisschakel.register.filters import MunicipalityFilter

pytestmark = pytest.mark.django_db

VENDOR = Path(__file__).resolve().parents[2] / (
    "src/kennisschakel/core/static/kennisschakel/vendor/nl-design-system"
)


def _nav(body: str) -> str:
    return re.search(r'<nav class="wrap main-nav".*?</nav>', body, re.S).group(0)


def _footer(body: str) -> str:
    return re.search(r"<footer.*?</footer>", body, re.S).group(0)


def test_menu_is_a_disclosure_and_api_moved_to_the_footer(client):
    body = client.get("/").content.decode()
    nav = _nav(body)
    assert '<details class="menu-disclosure">' in nav
    assert '<summary class="menu-toggle">Menu</summary>' in nav
    assert reverse("api:docs") not in nav
    footer = _footer(body)
    assert f'<a href="{reverse("api:docs")}">API</a>' in footer
    assert f'<a href="{reverse("api:openapi")}">OpenAPI</a>' in footer


def test_stylesheets_in_order_components_site_theme(client):
    body = client.get("/").content.decode()
    sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', body)
    assert [Path(sheet).name.split(".")[0] for sheet in sheets] == ["index", "site", "theme"]
    assert "nl-design-system" in sheets[0]


def test_every_vendored_stylesheet_is_imported_in_the_layer_and_licensed():
    index = (VENDOR / "index.css").read_text()
    imported = set(re.findall(r'@import url\("([^"]+)"\) layer\(nl-design-system\);', index))
    on_disk = {path.name for path in VENDOR.glob("*.css")} - {"index.css"}
    assert imported == on_disk
    assert "EUROPEAN UNION PUBLIC LICENCE v. 1.2" in (VENDOR / "LICENSE.md").read_text()
    readme = (VENDOR / "README.md").read_text()
    for name in on_disk:
        first_line = (VENDOR / name).read_text().splitlines()[0]
        package, version = re.match(r"/\* (@[\w/-]+) ([\d.]+) ", first_line).groups()
        assert f"{package}` | {version}" in readme, name
        # No source-map comment: the manifest storage would look for a .map file.
        assert "sourceMappingURL" not in (VENDOR / name).read_text()


def test_theme_dir_replaces_the_default_tokens(tmp_path):
    own = tmp_path / "kennisschakel" / "theme.css"
    own.parent.mkdir()
    own.write_text(":root { --ks-color-brand: #5a0d39; }\n")
    default = finders.find("kennisschakel/theme.css")
    assert "--ks-color-brand: #0b3d66" in Path(default).read_text()
    with override_settings(STATICFILES_DIRS=[str(tmp_path)]):
        finders.get_finder.cache_clear()
        try:
            assert Path(finders.find("kennisschakel/theme.css")) == own
        finally:
            finders.get_finder.cache_clear()


def test_every_token_site_css_uses_is_in_the_theme():
    static = VENDOR.parents[1]
    used = set(re.findall(r"var\((--ks-[\w-]+)", (static / "site.css").read_text()))
    defined = set(re.findall(r"(--ks-[\w-]+):", (static / "theme.css").read_text()))
    assert used and used <= defined, used - defined


@pytest.mark.parametrize(
    "path",
    [
        "/partnerschappen/",
        "/partnerschappen/balansen/",
        "/gemeenten/",
        "/landen/",
        "/monitor/",
        "/landschap/",
        "/buitenland/?q=Poznan",
    ],
)
def test_wide_tables_sit_in_a_keyboard_scrollable_region(client, path):
    body = client.get(path).content.decode()
    tables = body.count("<table")
    boxes = re.findall(
        r'<div class="table-scroll" tabindex="0" role="region" aria-label="[^"]+">', body
    )
    assert tables >= 1 and len(boxes) == tables


def test_practice_filter_panel_counts_active_facets(client):
    body = client.get("/praktijken/").content.decode()
    assert re.search(
        r'<details class="filter-panel" id="filter-panel">\s*<summary>Filters</summary>', body
    )
    body = client.get("/praktijken/?negative=yes").content.decode()
    assert '<summary>Filters <span class="filter-count">(1 actief)</span></summary>' in body


def test_municipality_filters_fold_but_the_name_box_stays(client):
    body = client.get("/gemeenten/?province=PV31&ordering=-inhabitants&q=").content.decode()
    before_panel, panel = body.split('<details class="filter-panel">', 1)
    assert 'name="q"' in before_panel and 'name="q"' not in panel.split("</details>")[0]
    assert '<span class="filter-count">(1 actief)</span>' in panel  # the sort order is no filter
    # A field with an error opens the panel so the message is seen.
    body = client.get("/gemeenten/?province=nope").content.decode()
    assert '<details class="filter-panel" open>' in body


def test_active_filters_counts_bound_values_only():
    form = MunicipalityFilter(data={"q": "weert", "province": "PV31", "grouping": ""}).form
    assert active_filters(form, "q,ordering") == 1
    assert active_filters(MunicipalityFilter().form, "") == 0
    assert active_filters(None) == 0


def test_active_facets_counts_checked_options():
    facets = [
        {"options": [{"checked": True}, {"checked": False}]},
        {"options": [{"checked": True}]},
    ]
    assert active_facets(facets) == 2
    assert active_facets([]) == 0
