"""The site shell on a phone (390 px) and a laptop (1366 px), in headless Chromium.

No list page may make the page wider than the screen (wide tables scroll inside their own
box), the main menu folds into a "Menu" disclosure, the knowledge bank's filters fold away
so that the first result is on the first screen, and axe finds no WCAG 2.1 AA violation at
either width. Screenshots: var/screenshots/shell-*.png.
"""

from tests.chromium import BROWSER, WCAG_21_AA, shot

pytestmark = BROWSER

PHONE = {"width": 390, "height": 900}
LAPTOP = {"width": 1366, "height": 900}

# Every list page, a municipality's page, the ask page and home (name for the screenshot).
PAGES = {
    "home": "/",
    "practices": "/praktijken/",
    "practices-filtered": "/praktijken/?q=afvalinzameling&negative=yes",
    "municipalities": "/gemeenten/",
    "municipality": "/gemeenten/GM0153/",
    "organisations": "/organisaties/",
    "partnerships": "/partnerschappen/",
    "balances": "/partnerschappen/balansen/",
    "network-balance": "/netwerken/p10/balans/",
    "landscape": "/landschap/",
    "groupings": "/groeperingen/",
    "places": "/buitenland/?q=Poznan",
    "countries": "/landen/",
    "monitor": "/monitor/",
    "ask": "/hulp-zoeken/",
    "questions": "/kennisvragen/",
}
SCREENSHOT_PAGES = {"home", "practices", "municipality", "partnerships", "balances", "ask"}

# The folded menu is one row with the "Menu" button (44 px target plus margins); the open
# list on a laptop is one row of links. Before: 128 px (four lines) on a phone.
MENU_MAX_HEIGHT = 64


def menu_height(page) -> float:
    return page.locator("nav.main-nav").bounding_box()["height"]


def test_no_list_page_overflows_and_axe_is_clean_at_both_widths(browser_page, live_server):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page = browser_page
    too_wide, menu_too_high, violations = {}, {}, {}
    for viewport in (PHONE, LAPTOP):
        width = viewport["width"]
        page.set_viewport_size(viewport)
        for name, path in PAGES.items():
            page.goto(f"{live_server.url}{path}")
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > width:
                too_wide[(width, path)] = scroll_width
            if menu_height(page) > MENU_MAX_HEIGHT:
                menu_too_high[(width, path)] = menu_height(page)
            result = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
            found = [violation["id"] for violation in result.response["violations"]]
            if found:
                violations[(width, path)] = found
            if name in SCREENSHOT_PAGES:
                shot(page, f"shell-{name}-{width}")
    assert too_wide == {}
    assert menu_too_high == {}
    assert violations == {}


def test_menu_folds_on_a_phone_and_opens_with_the_keyboard(browser_page, live_server):
    page = browser_page
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/gemeenten/")
    menu = page.get_by_role("navigation", name="Hoofdmenu")
    toggle = menu.locator("summary.menu-toggle")
    assert toggle.is_visible() and toggle.inner_text().strip() == "Menu"
    assert not menu.get_by_role("link", name="Praktijken").is_visible()

    toggle.focus()
    outline = toggle.evaluate("element => getComputedStyle(element).outlineStyle")
    assert outline != "none"  # focus is visible
    page.keyboard.press("Enter")
    assert menu.get_by_role("link", name="Praktijken").is_visible()
    # The current section is marked for screen readers as well as by the underline.
    assert menu.get_by_role("link", name="Gemeenten").get_attribute("aria-current") == "page"
    shot(page, "shell-menu-open-390")
    page.keyboard.press("Enter")
    assert not menu.get_by_role("link", name="Praktijken").is_visible()

    # The API documentation moved from the main menu to the footer, next to OpenAPI.
    assert menu.get_by_role("link", name="API").count() == 0
    footer = page.get_by_role("contentinfo")
    assert footer.get_by_role("link", name="API", exact=True).is_visible()
    assert footer.get_by_role("link", name="OpenAPI").is_visible()

    # On a laptop the plain list shows and the toggle does not.
    page.set_viewport_size(LAPTOP)
    assert menu.get_by_role("link", name="Praktijken").is_visible()
    assert not toggle.is_visible()
    assert menu_height(page) <= MENU_MAX_HEIGHT


def test_practice_results_come_before_the_filters_on_a_phone(browser_page, live_server):
    page = browser_page
    page.set_viewport_size(PHONE)
    # One facet on (the "negative" lessons) so the folded panel says how many are active.
    page.goto(f"{live_server.url}/praktijken/?negative=yes")
    first_result = page.locator("#practice-results .card-list > li").first
    first_checkbox = page.locator("#facets input[type=checkbox]").first
    panel_toggle = page.locator("#filter-panel > summary")

    # Before: about 50 checkboxes came first and the first result stood at y = 1784 px.
    assert first_result.bounding_box()["y"] < PHONE["height"]
    assert not first_checkbox.is_visible()
    assert " ".join(panel_toggle.inner_text().split()) == "Filters (1 actief)"
    shot(page, "shell-practices-phone-folded")

    panel_toggle.focus()
    page.keyboard.press("Enter")
    assert first_checkbox.is_visible()
    assert page.get_by_role("checkbox", checked=True).count() >= 1

    # On a laptop the filters are a side panel that is always open.
    page.set_viewport_size(LAPTOP)
    page.goto(f"{live_server.url}/praktijken/")
    assert page.locator("#facets input[type=checkbox]").first.is_visible()
    assert not page.locator("#filter-panel > summary").is_visible()
    first_result = page.locator("#practice-results .card-list > li").first
    facets = page.locator("#facets")
    assert facets.bounding_box()["x"] < first_result.bounding_box()["x"]  # side by side


def test_wide_table_scrolls_in_its_own_box_with_the_keyboard(browser_page, live_server):
    page = browser_page
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/partnerschappen/")
    region = page.get_by_role("region", name="Partnerschappen")
    box = region.locator("table")
    assert box.bounding_box()["width"] > PHONE["width"]  # the table is wider than the phone,
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # the page not
    region.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "() => document.querySelector('.table-scroll').scrollLeft > 0", timeout=5_000
    )
