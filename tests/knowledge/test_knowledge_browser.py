"""In headless Chromium: search practices, open one, record an adoption."""

from tests.chromium import BROWSER, log_in, shot

pytestmark = BROWSER


def test_search_open_and_record_adoption(browser_page, live_server, make_user):
    from kennisschakel.knowledge.models import Adoption

    page = browser_page
    user = make_user("contributor", "GM0637", email="beleid@zoetermeer.test")
    log_in(page, live_server, user)

    page.get_by_role("link", name="Praktijken", exact=True).click()
    page.get_by_label("Waar zoekt u naar?").fill("afvalinzameling")
    page.get_by_role("button", name="Zoeken").click()
    page.wait_for_url("**q=afvalinzameling**")
    first = page.locator(".practice-card .card-title a").first
    title = first.inner_text()
    assert page.locator(".practice-card mark").count() > 0
    shot(page, "practices-search")

    first.click()
    page.get_by_role("heading", level=1).wait_for()
    assert title in page.get_by_role("heading", level=1).inner_text()
    shot(page, "practice-detail")

    page.get_by_role("link", name="Vastleggen wat wij ermee deden").click()
    page.get_by_label("Aangepast overgenomen").check()
    page.get_by_label("Wat wij hebben veranderd").fill("Wij zamelen in met de buurgemeente.")
    page.get_by_role("button", name="Versturen").click()
    page.get_by_text("Overgenomen door 1 gemeente").wait_for()
    assert page.get_by_text("Wij zamelen in met de buurgemeente.").is_visible()
    shot(page, "practice-adopted")
    adoption = Adoption.objects.get(organisation=user.organisation)
    assert adoption.outcome == "aangepast"
