"""In headless Chromium: the home page at 1366 and 390 px (axe clean, no sideways
scrolling), its box searching practices with Enter and going on to "Hulp zoeken" with the
same text, in Dutch and in English."""

from tests.chromium import BROWSER, WCAG_21_AA, shot

pytestmark = BROWSER


def test_home_page_box_figures_and_recent_lessons(browser_page, live_server):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page = browser_page

    def axe_clean():
        result = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
        assert [v["id"] for v in result.response["violations"]] == [], page.url

    page.goto(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "nl"
    page.get_by_role("heading", name="Tot nu toe gedeelde kennis").wait_for()
    lessons = page.get_by_role("region", name="Lessen, ook over wat niet werkte")
    assert lessons.get_by_text("wat niet werkte", exact=True).first.is_visible()
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        shot(page, f"home-{width}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        axe_clean()

    # Enter searches the practices.
    page.set_viewport_size({"width": 1366, "height": 900})
    box = page.get_by_role("searchbox", name="Wat wilt u weten?")
    box.fill("afvalinzameling")
    box.press("Enter")
    page.wait_for_url("**/praktijken/?q=afvalinzameling")

    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name="English").click()
    page.get_by_role("heading", name="Knowledge shared so far").wait_for()
    assert page.locator("html").get_attribute("lang") == "en"
    page.set_viewport_size({"width": 390, "height": 900})
    shot(page, "home-en-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    axe_clean()
    page.get_by_role("button", name="Nederlands").click()
    page.get_by_role("heading", name="Tot nu toe gedeelde kennis").wait_for()
    page.set_viewport_size({"width": 1366, "height": 900})

    # The other button takes the same text to "Hulp zoeken", where it is the question.
    question = "Hoe organiseren andere gemeenten schuldhulp aan de keukentafel?"
    page.goto(f"{live_server.url}/")
    page.get_by_role("searchbox", name="Wat wilt u weten?").fill(question)
    page.get_by_role("button", name="Hulp zoeken").click()
    page.wait_for_url("**/hulp-zoeken/?q=*")
    assert page.get_by_label("Waar zoekt u naar?").input_value() == question
    page.get_by_role("heading", name="Suggesties").wait_for()
    shot(page, "home-find-help")
