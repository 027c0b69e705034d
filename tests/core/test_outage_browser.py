"""In Chromium: PostgreSQL "restarts" while a code holder answers, and nothing typed is lost.

The test database alone is cut off (tests/database_outage.py: every connection killed, new
ones refused), which is what the application sees of a server restart. Meanwhile the code
holder types and changes answers: the autosave gets 503 + Retry-After, says so, keeps the
answers (also in sessionStorage) and sends them again once the database is back; a
reload during the outage does not lose them either.
"""

import re
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.chromium import CHROMIUM, WCAG_21_AA
from tests.database_outage import database_outage  # noqa: F401 (fixture)
from tests.monitor.test_monitor_browser import open_wave_with_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed"),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="cutting off one database of a running server needs PostgreSQL",
    ),
]

SAVED = re.compile(r"^Opgeslagen$")  # has_text="Opgeslagen" would match "Niet opgeslagen"
RETRYING = "Niet opgeslagen — de verbinding is even weg; we proberen het opnieuw"
STORED_ANSWERS = (
    """() => Object.keys(sessionStorage).filter(k => k.startsWith("kennisschakel:answer:"))"""
)


def test_answers_typed_while_the_database_restarts_are_saved_when_it_is_back(
    database_outage,  # noqa: F811  (first: torn down after the browser, before the flush)
    browser_page,
    live_server,
):
    from axe_playwright_python.sync_playwright import Axe

    from kennisschakel.monitor.models import Invitation

    wave, code = open_wave_with_code()
    invitation = Invitation.objects.get(wave=wave, cbs_code="GM0153")
    invitation.answers = {
        "functie_invuller": "beleidsmedewerker_internationaal",
        "heeft_beleid": "ja",
    }
    invitation.save()
    page = browser_page
    page.goto(f"{live_server.url}/monitor/{wave.slug}/")
    page.get_by_label("Toegangscode").fill(code)
    page.get_by_role("button", name="Vragenlijst openen").click()
    page.wait_for_url("**/vragen/**")
    page.goto(f"{live_server.url}/monitor/{wave.slug}/vragen/aandacht/")
    page.get_by_role("heading", name="Politieke en beleidsmatige aandacht").wait_for()

    reasons = page.locator("[data-question=redenen_toename]")

    def status_of(question):
        return page.locator(f"[data-question={question}] .save-status")

    page.get_by_label("Ja, vastgesteld in huidige raadsperiode").check()
    status_of("nota_beleid").filter(has_text=SAVED).wait_for()

    database_outage.cut()
    # Typed and changed while the database is unreachable.
    page.get_by_label("Eerste onderwerp").fill("Stedenband met Berkane")
    status_of("raad_onderwerp_1").filter(has_text=RETRYING).wait_for()
    page.get_by_label("Ja, vastgesteld in voorgaande raadsperiode").check()
    page.get_by_label("Inzet is toegenomen").check()
    reasons.get_by_label("Opstelling van de raad").check()
    page.get_by_label("Tweede onderwerp").fill("Millennium Gemeente")
    status_of("raad_onderwerp_2").filter(has_text=RETRYING).wait_for(timeout=20_000)
    for question in ("nota_beleid", "inzet_ontwikkeling", "redenen_toename"):
        assert status_of(question).inner_text() == RETRYING
    # Kept in the tab until the server has them: a reload would not lose them.
    assert len(page.evaluate(STORED_ANSWERS)) == 5
    time.sleep(4)  # a few seconds of "restart"
    database_outage.restore()

    for question in (
        "raad_onderwerp_1",
        "raad_onderwerp_2",
        "nota_beleid",
        "inzet_ontwikkeling",
        "redenen_toename",
    ):
        status_of(question).filter(has_text=SAVED).wait_for(timeout=45_000)

    invitation.refresh_from_db()
    assert invitation.answers == {
        "functie_invuller": "beleidsmedewerker_internationaal",
        "heeft_beleid": "ja",
        "nota_beleid": "ja_voorgaande_periode",
        "raad_onderwerp_1": "Stedenband met Berkane",
        "raad_onderwerp_2": "Millennium Gemeente",
        "inzet_ontwikkeling": "toegenomen",
        "redenen_toename": ["opstelling_raad"],
    }
    assert page.evaluate(STORED_ANSWERS) == []  # saved answers are not kept in the browser

    # Reloading while the database is down shows the 503 page; once it is back, the page
    # comes back from the server without the unsent answer, and the script puts it back
    # from the tab's storage and saves it.
    database_outage.cut()
    page.get_by_label("Eerste onderwerp").fill("Jumelage met Berkane")
    status_of("raad_onderwerp_1").filter(has_text=RETRYING).wait_for()
    page.reload()
    page.get_by_role("heading", name="Even niet beschikbaar").wait_for()
    assert "terugknop" in page.locator("main").inner_text()
    violations = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
    assert [v["id"] for v in violations.response["violations"]] == []
    database_outage.restore()
    page.reload()
    status_of("raad_onderwerp_1").filter(has_text=SAVED).wait_for(timeout=20_000)
    assert page.get_by_label("Eerste onderwerp").input_value() == "Jumelage met Berkane"
    assert reasons.get_by_label("Opstelling van de raad").is_checked()
    invitation.refresh_from_db()
    assert invitation.answers["raad_onderwerp_1"] == "Jumelage met Berkane"
    assert page.evaluate(STORED_ANSWERS) == []
