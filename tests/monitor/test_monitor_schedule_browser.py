"""In headless Chromium: the facilitator creates a wave that opens tomorrow (no web address
or size classes asked), sees it in preparation, opens it now by hand, and the code holder's
start page then says it is open; the form and the wave's page pass axe."""

import datetime

from tests.chromium import BROWSER, WCAG_21_AA, log_in, shot

pytestmark = BROWSER


def test_wave_follows_its_dates_and_opens_by_hand(browser_page, live_server, facilitator):
    from axe_playwright_python.sync_playwright import Axe
    from django.utils.formats import date_format
    from django.utils.translation import override

    from kennisschakel.monitor.models import Wave

    axe = Axe()
    page = browser_page

    def no_violations():
        result = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
        assert [v["id"] for v in result.response["violations"]] == [], page.url

    tomorrow = Wave.today() + datetime.timedelta(days=1)
    with override("nl"):
        tomorrow_text = date_format(tomorrow, "j F Y")
    log_in(page, live_server, facilitator)
    page.goto(f"{live_server.url}/monitor/golven/nieuw/")
    assert page.get_by_label("Slug").count() == 0  # the address comes from the title
    page.get_by_label("Vragenlijst").select_option(
        label="Monitor gemeentelijk internationaal beleid"
    )
    page.get_by_label("Titel").fill("Monitor internationaal beleid (browser)")
    page.get_by_label("Periode").fill("2026")
    page.get_by_label("Opent op").fill(tomorrow.isoformat())
    no_violations()
    shot(page, "monitor-wave-form")
    page.get_by_role("button", name="Meting aanmaken").click()
    page.wait_for_url("**/monitor/golven/monitor-internationaal-beleid-browser/")
    status = page.locator("#wave-status")
    assert f"In voorbereiding: gaat open op {tomorrow_text}" in status.inner_text()
    no_violations()

    page.get_by_role("button", name="Nu openen").click()
    page.wait_for_url("**/monitor/golven/monitor-internationaal-beleid-browser/")
    assert "Open van" in status.inner_text() and "met de hand geopend" in status.inner_text()
    assert page.get_by_role("button", name="Terug naar de datums").is_visible()
    no_violations()
    shot(page, "monitor-wave-opened-by-hand")

    page.goto(f"{live_server.url}/monitor/monitor-internationaal-beleid-browser/")
    assert "Deze vragenlijst is open van" in page.content()
    assert page.get_by_label("Toegangscode").is_visible()
