"""In headless Chromium: the personal link from the letter opens the questionnaire, the
code leaves the address bar and the history, the helpdesk line is in the footer, and
after closing the same link opens "Waar staan wij" (issue 14)."""

import datetime

from tests.chromium import BROWSER
from tests.monitor.test_monitor_browser import open_wave_with_code

pytestmark = BROWSER
HELPDESK = "Vragen? Bel 070 123 45 67 of mail monitor@gemeenten.test"


def test_secretary_opens_the_personal_link(browser_page, live_server, settings):
    from kennisschakel.monitor import services
    from kennisschakel.monitor.models import Wave

    settings.KENNISSCHAKEL_SITE_URL = live_server.url
    wave, code = open_wave_with_code()
    Wave.objects.filter(pk=wave.pk).update(helpdesk=HELPDESK)
    link = services.link_url(wave, code)
    compact = code.replace("-", "")
    assert link.startswith(live_server.url) and compact in link

    page = browser_page
    first = {}
    page.on(
        "response",
        lambda response: (
            first.setdefault("headers", response.headers) if compact in response.url else None
        ),
    )
    page.goto(link)
    page.get_by_role("heading", name="Invuller").wait_for()
    assert compact not in page.url and page.url.endswith("/vragen/invuller/")
    assert first["headers"]["referrer-policy"] == "no-referrer"
    assert "Enschede" in page.locator("main").inner_text()
    assert HELPDESK in page.locator("footer").inner_text()
    # The history holds only the page without the code: one step back is the blank tab.
    page.go_back()
    assert page.url == "about:blank"

    # After closing, the same link (in a fresh browser context) shows "Waar staan wij".
    Wave.objects.filter(pk=wave.pk).update(
        opens_on=datetime.date.today() - datetime.timedelta(days=40),
        closes_on=datetime.date.today() - datetime.timedelta(days=1),
    )
    later = page.context.browser.new_page()
    later.goto(link)
    later.wait_for_url("**/waar-staan-wij/")
    assert compact not in later.url
    assert "Enschede" in later.locator("main").inner_text()
