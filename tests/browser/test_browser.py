"""End to end in headless Chromium: log in, filter municipalities, switch language.

Runs against Django's live test server. Skipped when Debian's Chromium is
not installed (``.ci/run`` installs it).
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import TEST_PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed"),
]
# Playwright's sync API runs an event loop in this thread; the ORM calls the
# test makes are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def browser_page(live_server, transactional_db):
    from playwright.sync_api import sync_playwright

    # The database is the seeded one: tests/conftest.py restores it after every
    # test that commits, so a live-server test never starts from emptied tables.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(15_000)
        yield page
        browser.close()


WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGES = [
    "/",
    "/gemeenten/",
    "/gemeenten/?province=PV31&ordering=-inhabitants",
    "/gemeenten/GM0153/",
    "/organisaties/",
    "/organisaties/vng/",
    "/groeperingen/",
    "/buitenland/?q=Poznan",
    "/buitenland/?q=x",
    "/landen/?region=het-zuiden",
    "/api/v1/docs",
    "/account/inloggen/",
    "/account/wachtwoord-vergeten/",
    "/praktijken/",
    "/praktijken/?q=afvalinzameling&negative=yes",
    "/praktijken/hengelo-speeddates-maatschappelijk-middenveld/",
    "/partnerschappen/",
    "/partnerschappen/?country=GH",
    "/partnerschappen/zeist-berkane/",
    "/partnerschappen/zeist-berkane/raadsinformatiebrief/",
    "/partnerschappen/zeist-berkane/wederzijds-leren/",
    "/landschap/",
    "/landschap/?domain=fysiek-en-economie",
    "/partnerschappen/balansen/",
    "/partnerschappen/den-haag-india-tuinbouw/",
    "/organisaties/p10/",
    "/netwerken/p10/balans/",
    "/monitor/",
    "/hulp-zoeken/",
    "/kennisvragen/",
    "/internationaal/?country=CN",
]


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/account/inloggen/")
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/mijn/")  # Mijn Kennisschakel after login


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_login_filter_and_switch_language(browser_page, live_server, make_user):
    page = browser_page
    user = make_user("contributor", "GM0988", email="tester@weert.example")

    page.goto(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "nl"
    shot(page, "home")

    # The menu's link (the home page's "why log in" paragraph has one too).
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Inloggen").click()
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/mijn/")  # Mijn Kennisschakel after login
    assert page.get_by_text("Weert").first.is_visible()
    shot(page, "profile")

    page.get_by_role("link", name="Gemeenten", exact=True).click()
    page.get_by_label("Provincie").select_option(label="Limburg")
    page.get_by_role("button", name="Tonen").click()
    page.wait_for_url("**province=PV31**")
    page.get_by_text("31 gemeenten").wait_for()
    assert page.get_by_role("link", name="Maastricht").is_visible()
    shot(page, "municipalities-limburg")

    page.get_by_role("button", name="English").click()
    page.get_by_text("31 municipalities").wait_for()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_label("Province").input_value() == "PV31"
    shot(page, "municipalities-limburg-en")


def test_filter_as_you_type_with_htmx(browser_page, live_server):
    page = browser_page
    page.goto(f"{live_server.url}/gemeenten/")
    page.get_by_label("Naam").fill("sudwest")
    page.get_by_text("1 gemeente", exact=True).wait_for()
    assert page.get_by_role("link", name="Súdwest-Fryslân").is_visible()
    assert "q=sudwest" in page.url


def test_keyboard_user_reaches_main_content_via_skip_link(browser_page, live_server):
    page = browser_page
    page.goto(f"{live_server.url}/gemeenten/GM0153/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Naar de inhoud")
    assert skip.evaluate("element => element === document.activeElement")
    assert skip.is_visible()
    shot(page, "skip-link-focus")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_pages_pass_axe_wcag_21_aa_checks(browser_page, live_server):
    """axe-core finds no WCAG 2.1 A/AA violations on the register's pages, in both languages."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page = browser_page
    found = {}
    for language in ["nl", "en"]:
        if language == "en":
            page.goto(f"{live_server.url}/")
            page.get_by_role("button", name="English").click()
            page.wait_for_load_state()
        for path in PAGES:
            page.goto(f"{live_server.url}{path}")
            result = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
            violations = [v["id"] for v in result.response["violations"]]
            if violations:
                found[(language, path)] = violations
    assert found == {}
