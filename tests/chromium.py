"""What every browser test uses: Debian's Chromium through Playwright, a page on the live
server, logging in, screenshots, and the pages that every check walks (axe, CSP).

Browser test modules import ``browser_page`` (and the rest) from here and mark themselves
``browser``; ``make test`` runs them in a pytest session of their own, on a test database
of their own (``KENNISSCHAKEL_TEST_DATABASE=browser``, tests/settings.py). Skipped when
Debian's Chromium is not installed (``.ci/run`` installs it).
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import TEST_PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[1] / "var" / "screenshots"

#: Every browser test module sets ``pytestmark = BROWSER`` (or its own list with these).
BROWSER = [
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
