"""In headless Chromium: the Enschede coordinator logs in, lands on Mijn Kennisschakel,
sees the introduction waiting for her (the menu says so too) and opens it to answer."""

import re

from tests.chromium import BROWSER, WCAG_21_AA, log_in, shot

pytestmark = BROWSER


def test_coordinator_sees_what_waits_and_acts(browser_page, live_server, make_user):
    from axe_playwright_python.sync_playwright import Axe

    from kennisschakel.matching import services

    axe = Axe()
    page = browser_page

    def axe_clean():
        result = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
        assert [v["id"] for v in result.response["violations"]] == [], page.url

    weert = make_user("contributor", "GM0988", email="beleid@weert.test")
    enschede = make_user(
        "coordinator", "GM0153", email="coordinator@enschede.test", full_name="Esther Coördinator"
    )
    introduction = services.request_introduction(
        weert, "municipality:GM0153", "Wij willen graag leren van uw samenwerking met Dalian."
    )

    log_in(page, live_server, enschede)  # waits for /mijn/
    page.get_by_role("heading", name="Mijn Kennisschakel", level=1).wait_for()
    menu = page.get_by_role("navigation", name="Hoofdmenu")
    # The link's name carries the count in words (the badge is hidden from screen readers).
    assert menu.get_by_role("link", name="Mijn Kennisschakel (1 zaak wacht)").is_visible()
    assert menu.get_by_role("link", name="Account").is_visible()
    section = page.get_by_role("region", name="Introducties om te beantwoorden")
    assert introduction.subject in section.inner_text()
    axe_clean()
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        shot(page, f"mine-enschede-coordinator-{width}")
        if width == 390:
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            axe_clean()

    page.set_viewport_size({"width": 1366, "height": 900})
    # The action's name says what it is about ("Beantwoorden: <subject>"; Chromium puts a
    # space before the visually hidden part, which is positioned out of the flow).
    section.get_by_role(
        "link", name=re.compile(rf"^Beantwoorden\s*: {re.escape(introduction.subject)}")
    ).click()
    page.wait_for_url(f"**{introduction.get_absolute_url()}")
    page.get_by_label("Ja, breng ons in contact").check()
    page.get_by_role("button", name="Het antwoord versturen").click()
    page.get_by_role("heading", name="Contactgegevens").wait_for()

    # Back on the page: nothing waits any more, and the menu shows no figure.
    page.get_by_role("link", name="Mijn Kennisschakel").click()
    page.get_by_role("heading", name="Mijn Kennisschakel", level=1).wait_for()
    assert "Er wacht nu niets op u." in page.locator("main").inner_text()
    assert page.locator(".nav-count").count() == 0
    shot(page, "mine-enschede-coordinator-done")
