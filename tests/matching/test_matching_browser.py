"""In headless Chromium: ask, request an introduction, and accept it as the other side."""

from tests.chromium import BROWSER, WCAG_21_AA, log_in, shot

pytestmark = BROWSER
QUESTION = (
    "We zoeken een gemeente die ervaring heeft met het delen van kennis over economische "
    "samenwerking met een Chinese stad"
)


def test_ask_introduce_and_accept(browser_page, live_server, make_user):
    from axe_playwright_python.sync_playwright import Axe

    from kennisschakel.matching import match_index
    from kennisschakel.matching.models import Introduction

    match_index.forget()
    axe = Axe()
    page = browser_page

    def axe_clean():
        result = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
        assert [v["id"] for v in result.response["violations"]] == [], page.url

    weert = make_user("contributor", "GM0988", email="beleid@weert.test")
    enschede = make_user("coordinator", "GM0153", email="internationaal@enschede.test")
    log_in(page, live_server, weert)
    page.goto(f"{live_server.url}/hulp-zoeken/")
    page.get_by_label("Waar zoekt u naar?").fill(QUESTION)
    page.get_by_label("Internationaal").check()
    page.get_by_role("button", name="Hulp zoeken").click()
    suggestions = page.locator("ol.suggestions")
    suggestions.wait_for()
    assert "Enschede" in suggestions.inner_text()
    axe_clean()
    shot(page, "matching-suggestions")

    page.get_by_role("link", name="Deze vraag bewaren en om introducties vragen").click()
    page.get_by_label("Titel").fill("Economische samenwerking met China")
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_role("heading", name="Wie kan helpen, en waarom").wait_for()
    enschede_card = page.locator("li.suggestion").filter(
        has=page.get_by_role("link", name="Enschede", exact=True)
    )
    enschede_card.get_by_role("link", name="Vraag om een introductie").click()
    page.get_by_label("Uw bericht").fill("Wij willen graag leren van uw samenwerking met Dalian.")
    axe_clean()
    page.get_by_role("button", name="Het verzoek versturen").click()
    page.get_by_role("heading", name="Economische samenwerking met China").wait_for()
    assert "internationaal@enschede.test" not in page.locator("main").inner_text()

    # Enschede's coordinator answers.
    page.context.clear_cookies()
    log_in(page, live_server, enschede)
    page.goto(f"{live_server.url}/introducties/")
    page.get_by_role("link", name="Economische samenwerking met China").click()
    axe_clean()
    page.get_by_label("Ja, breng ons in contact").check()
    page.get_by_role("button", name="Het antwoord versturen").click()
    page.get_by_role("heading", name="Contactgegevens").wait_for()
    main = page.locator("main").inner_text()
    assert "beleid@weert.test" in main and "internationaal@enschede.test" in main
    shot(page, "matching-introduction-accepted")
    assert Introduction.objects.get().status == Introduction.Status.ACCEPTED
