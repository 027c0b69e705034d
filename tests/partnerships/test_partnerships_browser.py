"""In headless Chromium: log an exchange and see the municipality's balance change."""

from tests.chromium import BROWSER, log_in, shot

pytestmark = BROWSER


def test_log_an_exchange_and_see_the_balance_change(browser_page, live_server, make_user):
    page = browser_page
    user = make_user("coordinator", "GM0153", email="internationaal@enschede.test")
    log_in(page, live_server, user)

    page.goto(f"{live_server.url}/gemeenten/GM0153/")
    balance = page.locator("#partnerships-heading").locator("xpath=..")
    before = balance.inner_text()
    page.get_by_role("link", name="Uitwisseling vastleggen").click()
    page.get_by_label("Vorm van uitwisseling").select_option("werkbezoek")
    page.get_by_label("Titel").fill("Tweedaags werkbezoek uit Münster")
    page.get_by_label("Begindatum").fill("2025-09-15")
    page.get_by_label("Einddatum").fill("2025-09-16")
    page.locator("#id_other_party").fill("place: Münster, DE")
    page.locator("#id_own_direction").select_option("received")
    page.locator("#id_own_hours").fill("24")
    page.locator("#id_other_direction").select_option("gave")
    page.locator("#id_other_hours").fill("32")
    page.get_by_label("Leerdoelen (vooraf vastgelegd)").fill(
        "Leren hoe Münster fietsparkeren regelt."
    )
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_role("heading", name="Tweedaags werkbezoek uit Münster").wait_for()
    shot(page, "activity-logged")

    page.goto(f"{live_server.url}/gemeenten/GM0153/")
    after = page.locator("#partnerships-heading").locator("xpath=..").inner_text()
    assert after != before
    assert "Münster" in after
    shot(page, "municipality-balance")


def test_record_a_partnership_and_a_membership(browser_page, live_server, make_user):
    from axe_playwright_python.sync_playwright import Axe

    from tests.chromium import WCAG_21_AA

    page = browser_page
    user = make_user("coordinator", "GM0153", email="coordinator@enschede.test")
    log_in(page, live_server, user)
    axe = Axe()

    page.goto(f"{live_server.url}/partnerschappen/nieuw/")
    page.get_by_label("Naam").fill("Enschede – Linköping kennisband")
    page.get_by_label("Soort").select_option("stedenband")
    page.get_by_label("Begin (jaar)").fill("2030")
    page.get_by_label("Einde (jaar)").fill("2020")
    page.locator("#id_partners_text").fill("GM0153\nplace: Linköping, SE")
    page.get_by_role("button", name="Opslaan").click()
    summary = page.locator("#error-summary")
    assert "Het eindjaar ligt vóór het beginjaar." in summary.inner_text()
    # Nothing typed is lost.
    assert page.get_by_label("Naam").input_value() == "Enschede – Linköping kennisband"
    violations = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
    assert [v["id"] for v in violations.response["violations"]] == []
    shot(page, "partnership-form-error")
    page.get_by_label("Einde (jaar)").fill("")
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_role("heading", name="Enschede – Linköping kennisband").wait_for()
    assert "Linköping" in page.locator("main").inner_text()

    page.goto(f"{live_server.url}/netwerken/lidmaatschap/nieuw/")
    violations = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
    assert [v["id"] for v in violations.response["violations"]] == []
    page.locator("#id_network").select_option(label="P10")
    page.locator("#id_role").select_option("board")
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_url("**/gemeenten/GM0153/")
    assert "P10" in page.locator("#partnerships-heading").locator("xpath=..").inner_text()
    shot(page, "membership-added")
