"""End to end in headless Chromium: log in, filter municipalities, switch language, and
every page of the site shell passes axe (WCAG 2.1 AA)."""

from tests.chromium import BROWSER, PAGES, WCAG_21_AA, shot
from tests.conftest import TEST_PASSWORD

pytestmark = BROWSER


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
