"""Forms people can fill in (issue 13), in headless Chromium with the keyboard only: the
country picker of a knowledge question (filter field + grouped boxes, choicefilter.js)
and the exchange form prefilled from an accepted introduction; axe at 1366 and 390 px."""

import datetime
import re

from playwright.sync_api import expect

from tests.chromium import BROWSER, WCAG_21_AA, log_in, shot

pytestmark = BROWSER
LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 900}


def _axe_violations(page):
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
    return [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result.response["violations"]]


def _no_horizontal_overflow(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_country_picker_with_the_keyboard_only(browser_page, live_server, make_user):
    page = browser_page
    page.set_viewport_size(LAPTOP)
    user = make_user("coordinator", "GM0153", email="landenkiezer@enschede.test")
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/kennisvragen/nieuw/")

    page.locator("#id_text").focus()
    page.keyboard.type(
        "Wie werkt met een Duitse stad samen aan beroepsonderwijs? Wij zoeken een partner."
    )
    search = page.locator("#id_countries_filter")
    assert search.is_visible()  # shown only with JavaScript
    search.focus()
    page.keyboard.type("duits", delay=40)
    status = page.locator("#id_countries [data-choice-filter-status]")
    expect(status).to_have_text("1 gevonden")  # polls; no eval under the page's CSP
    page.keyboard.press("Enter")  # filters; does not send the form
    assert page.url.endswith("/kennisvragen/nieuw/")
    # Tab: the open group's summary, then the one box that is left.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.value")
    assert focused == "DE"
    page.keyboard.press("Space")
    assert page.get_by_role("checkbox", name="Duitsland", exact=True).is_checked()
    assert "(1 gekozen)" in page.locator("#id_countries details[open] summary").first.inner_text()
    # A filter without matches says so.
    search.fill("")
    search.focus()
    page.keyboard.type("narnia", delay=20)
    expect(status).to_have_text("Niets gevonden; probeer een andere schrijfwijze.")
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    expect(status).to_have_text("")
    # Without a filter the ticked country's group stays open, the others fold shut.
    assert page.locator("#id_countries details[open]").count() == 1
    assert _axe_violations(page) == []
    shot(page, "forms-question-1366")
    page.set_viewport_size(PHONE)
    assert _axe_violations(page) == []
    assert _no_horizontal_overflow(page)
    shot(page, "forms-question-390")

    page.get_by_role("button", name="Opslaan").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/kennisvragen/\d+/$"))
    from kennisschakel.matching.models import Question

    question = Question.objects.get(created_by=user)
    assert question.title == "Wie werkt met een Duitse stad samen aan beroepsonderwijs?"
    assert [c.iso2 for c in question.countries.all()] == ["DE"]


def test_exchange_prefilled_from_an_accepted_introduction(
    browser_page,
    live_server,
    make_user,
):
    from kennisschakel.matching.models import Introduction
    from kennisschakel.partnerships.models import ExchangeActivity

    page = browser_page
    page.set_viewport_size(LAPTOP)
    weert = make_user("contributor", "GM0988", email="uitwisseling@weert.test")
    enschede = make_user("contributor", "GM0153", email="uitwisseling@enschede.test")
    introduction = Introduction.objects.create(
        asker=weert.organisation,
        requested_by=weert,
        recipient=enschede.organisation,
        subject="Grensoverschrijdend beroepsonderwijs",
        message="Mogen wij langskomen?",
        status=Introduction.Status.ACCEPTED,
        responded_by=enschede,
    )
    log_in(page, live_server, weert)
    page.goto(f"{live_server.url}{introduction.get_absolute_url()}")
    page.get_by_role("link", name="De uitwisseling vastleggen in het grootboek").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/uitwisselingen/nieuw/?introduction=*")

    assert page.locator("#id_other_party").input_value() == "Enschede"
    assert page.locator("#id_title").input_value() == "Grensoverschrijdend beroepsonderwijs"
    assert page.locator("#id_start_date").input_value() == datetime.date.today().isoformat()
    assert page.locator("#id_own_direction").input_value() == "received"
    assert page.get_by_role("link", name="Annuleren").get_attribute("href") == (
        introduction.get_absolute_url()
    )
    assert _axe_violations(page) == []
    shot(page, "forms-exchange-prefilled-1366")
    page.set_viewport_size(PHONE)
    assert _axe_violations(page) == []
    assert _no_horizontal_overflow(page)
    shot(page, "forms-exchange-prefilled-390")

    # Only the form of exchange differs from what the introduction knew.
    page.locator("#id_form").focus()
    page.keyboard.press("End")
    page.get_by_role("button", name="Opslaan").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/uitwisselingen/(?!nieuw)[^/]+/$"))
    activity = ExchangeActivity.objects.get(title="Grensoverschrijdend beroepsonderwijs")
    assert {s.organisation_id for s in activity.sides.all()} == {
        weert.organisation_id,
        enschede.organisation_id,
    }
    assert activity.start_date == datetime.date.today()
