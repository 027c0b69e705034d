"""In headless Chromium, in English: a practice and a partnership page pass axe (which
checks that every lang attribute is valid), mark their Dutch content lang="nl", show the
note once, and show the motives in English. Screenshots at 1366 and 390 px."""

from tests.chromium import BROWSER, WCAG_21_AA, shot

pytestmark = BROWSER

NOTE = "Content written by municipalities is shown in Dutch"


def test_english_practice_and_partnership_pages(browser_page, live_server):
    from axe_playwright_python.sync_playwright import Axe

    from kennisschakel.knowledge.models import Practice
    from kennisschakel.partnerships.models import Motive, Partnership

    axe = Axe()
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"

    practice = Practice.objects.get(slug="hengelo-speeddates-maatschappelijk-middenveld")
    partnership = Partnership.objects.filter(motives__slug="solidariteit").order_by("slug").first()
    solidarity = Motive.objects.get(slug="solidariteit")
    for name, url in [
        ("english-practice", practice.get_absolute_url()),
        ("english-partnership", partnership.get_absolute_url()),
    ]:
        page.goto(f"{live_server.url}{url}")
        result = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
        assert [v["id"] for v in result.response["violations"]] == [], url
        # valid-lang ran and found the lang="nl" elements valid.
        assert any(rule["id"] == "valid-lang" for rule in result.response["passes"]), url
        assert page.get_by_text(NOTE).count() == 1
        heading = page.get_by_role("heading", level=1)
        assert heading.locator("xpath=descendant-or-self::*[@lang='nl']").count() == 1
        shot(page, f"{name}-1366")
        page.set_viewport_size({"width": 390, "height": 900})
        shot(page, f"{name}-390")
        page.set_viewport_size({"width": 1366, "height": 900})

    assert page.get_by_text(solidarity.label_en).is_visible()
    assert page.get_by_text(solidarity.label_nl).count() == 0
