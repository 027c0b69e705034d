"""The six demo roles' tasks of issue 13, walked through in headless Chromium, with the
clicks counted (login → what waits → act → done).

Each test is one task as a new user does it, from the login page (or the address in a
letter) to the page that shows the task done. ``benchmarks/walkthroughs.py``'s ``Walk``
counts every click on a link, button, radio button, checkbox or autocomplete option and
every field typed into; the test asserts the task completes within its click budget.
The same tasks on the tree before issue 13 are the walkthroughs in that benchmark; the
table of both is var/helpers/walk-clicks.md. Screenshots: var/screenshots/walk-after-*.

The demo users are the seeded ones (kennisschakel/accounts/demo.py, password
``demo-kennisschakel``); the monitor's demo wave and the introduction the coordinator
answers are made by the test, as ``seed`` and the policy officer would make them.
Locators are roles and labels only, so the tests follow the page's meaning, not its markup.
"""

import re

from benchmarks.walkthroughs import USERS, Walk
from tests.chromium import BROWSER, SCREENSHOTS, WCAG_21_AA

pytestmark = BROWSER

# Clicks each task may take at most: what it took on the tree after issue 13's work. The
# tree before it took (benchmarks/walkthroughs.py, 2026-12-03): Weert 7, Enschede 7,
# facilitator 3, secretary 7, Opsterland 6, English partner 4. Weert: 7 → 5 once the
# suggestions on /hulp-zoeken/ offer the introduction directly (no saving first).
BUDGET = {
    "weert": 5,
    "enschede": 6,
    "facilitator": 3,
    "secretary": 7,
    "opsterland": 6,
    "english": 3,
}


def axe_clean(page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
    assert [v["id"] for v in result.response["violations"]] == [], page.url


def finish(walk: Walk) -> dict:
    """The done page at 390 px too (screenshot, axe, no sideways scrolling), then the
    counts, printed for the table (pytest -s) and held to the budget."""
    page = walk.page
    page.set_viewport_size({"width": 390, "height": 844})
    walk.shot("390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url
    axe_clean(page)
    counts = walk.counts()
    print(
        f"\nWALK {walk.role}: clicks {walk.clicks}, typed {walk.typed}, "
        f"addresses {walk.addresses}, loads {walk.loads}\n    " + "\n    ".join(walk.steps)
    )
    assert walk.clicks <= BUDGET[walk.role], counts
    return counts


def organisation(cbs_code: str):
    from kennisschakel.register.models import Municipality

    return Municipality.objects.select_related("organisation").get(cbs_code=cbs_code).organisation


def start(page, live_server, role: str) -> Walk:
    page.set_viewport_size({"width": 1366, "height": 900})
    return Walk(page, live_server.url, role, SCREENSHOTS, "walk-after")


# --- The tasks, on the current pages (each takes a Walk and what the test made for it) ---


def after_weert(walk: Walk, **_) -> None:
    page = walk.page
    walk.log_in(USERS["weert"])
    page.get_by_role("heading", name="Mijn Kennisschakel", level=1).wait_for()
    walk.shot("1-mine")
    walk.click(page.get_by_role("navigation").get_by_role("link", name="Hulp zoeken"))
    walk.fill(
        page.get_by_label("Waar zoekt u naar?"),
        "grensoverschrijdende samenwerking met een Duitse stad voor economie en onderwijs",
    )
    walk.click(page.get_by_role("main").get_by_role("button", name="Hulp zoeken"))
    page.get_by_role("link", name="Enschede", exact=True).first.wait_for()
    axe_clean(page)
    walk.shot("2-suggestions")
    # One button per suggestion saves the typed question as Weert's and opens the request.
    walk.click(
        page.get_by_role("button", name=re.compile(r"^Vraag om een introductie\s+bij Enschede$"))
    )
    page.get_by_role("heading", name="Vraag Enschede om een introductie", level=1).wait_for()
    walk.fill(
        page.get_by_label("Uw bericht"), "Wij willen leren van uw samenwerking met Duitse buren."
    )
    walk.click(page.get_by_role("button", name="Het verzoek versturen"))
    page.get_by_text("Uw verzoek is verstuurd aan Enschede.").wait_for()
    axe_clean(page)
    walk.shot("3-done")


def after_enschede(walk: Walk, subject: str = "", **_) -> None:
    page = walk.page
    walk.log_in(USERS["enschede"])
    waiting = page.get_by_role("region", name="Introducties om te beantwoorden")
    assert subject in waiting.inner_text()
    axe_clean(page)
    walk.shot("1-waiting")
    walk.click(waiting.get_by_role("link", name=re.compile(r"^Beantwoorden")).first)
    walk.check(page.get_by_label("Ja, breng ons in contact"))
    walk.click(page.get_by_role("button", name="Het antwoord versturen"))
    page.get_by_role("heading", name="Contactgegevens").wait_for()
    walk.shot("2-accepted")
    walk.click(page.get_by_role("link", name=re.compile("uitwisseling vastleggen", re.I)))
    page.get_by_role("heading", name=re.compile("^Uitwisseling vastleggen")).wait_for()
    axe_clean(page)
    walk.shot("3-exchange-form")
    # The form is filled in from the introduction; type only what it left empty.
    title = page.get_by_label("Titel")
    if not title.input_value():
        walk.fill(title, "Kennismaking met Weert over samenwerking met Duitse buren")
    start_date = page.get_by_label("Begindatum")
    if not start_date.input_value():
        walk.fill(start_date, "2026-12-01")
    other_party = page.get_by_label("Met", exact=False).first
    if "Weert" not in other_party.input_value():
        walk.type(other_party, "Weert")
        walk.click(page.get_by_role("option", name=re.compile(r"^Weert\s+gemeente")))
    walk.click(page.get_by_role("button", name=re.compile("^(Vastleggen|Opslaan|De uitwisseling)")))
    page.get_by_text("De uitwisseling is vastgelegd.").wait_for()
    axe_clean(page)
    walk.shot("4-done")


def after_facilitator(walk: Walk, wave_title: str = "", **_) -> None:
    page = walk.page
    walk.log_in(USERS["facilitator"])
    walk.shot("1-mine")
    walk.click(page.get_by_role("main").get_by_role("link", name=wave_title).first)
    page.get_by_text("Respons per grootteklasse").first.wait_for()
    axe_clean(page)
    walk.shot("2-wave")
    walk.click(page.get_by_role("link", name="Systeemstatus"))
    page.get_by_role("heading", name="Systeemstatus", level=1).wait_for()
    axe_clean(page)
    walk.shot("3-status")


def after_secretary(walk: Walk, code: str = "", wave_slug: str = "gib-demo", **_) -> None:
    page = walk.page
    walk.goto(f"/monitor/{wave_slug}/")  # the address printed in the letter
    axe_clean(page)
    walk.shot("1-code")
    walk.fill(page.get_by_label("Toegangscode"), code)
    walk.click(page.get_by_role("button", name="Vragenlijst openen"))
    walk.check(page.get_by_label(re.compile("^Overige")))
    walk.click(page.get_by_role("button", name="Opslaan en verder"))
    # A municipality without international policy: the shortest complete questionnaire.
    walk.check(page.get_by_label("Nee", exact=True))
    walk.check(page.get_by_label("Geen prioriteit"))
    walk.click(page.get_by_role("button", name="Opslaan en verder"))
    axe_clean(page)
    walk.shot("2-review")
    walk.click(page.get_by_role("button", name="De antwoorden indienen"))
    page.get_by_role("heading", name="Dank u wel").wait_for()
    walk.shot("3-done")


def after_opsterland(walk: Walk, **_) -> None:
    page = walk.page
    walk.log_in(USERS["opsterland"])
    walk.shot("1-mine")
    walk.click(
        page.get_by_role("link", name=re.compile("^Opsterland zocht Europese samenwerking")).first
    )
    page.get_by_role("heading", name=re.compile("^Waarom het niet lukte")).wait_for()
    axe_clean(page)
    walk.shot("2-lesson")
    walk.click(page.get_by_role("main").get_by_role("link", name="Opsterland", exact=True).first)
    walk.click(page.get_by_role("link", name=re.compile("^Opsterland – UN-Habitat")).first)
    walk.click(page.get_by_role("link", name="Raadsinformatiebrief"))
    start_date = page.get_by_label("Van")
    if not start_date.input_value():
        walk.fill(start_date, "2020-01-01")
    end_date = page.get_by_label("Tot en met")
    if not end_date.input_value():
        walk.fill(end_date, "2026-12-31")
    walk.click(page.get_by_role("button", name="Brief tonen"))
    page.get_by_role("heading", name="Wat het kost").wait_for()
    axe_clean(page)
    walk.shot("3-council-note")


def after_english(walk: Walk, **_) -> None:
    page = walk.page
    walk.goto("/")
    walk.click(page.get_by_role("button", name="English"))
    page.wait_for_function("document.documentElement.lang === 'en'")
    axe_clean(page)
    walk.shot("1-home-en")
    # The home page's own box searches the practices (before issue 13 it found
    # municipalities only, and the practices were a menu click away).
    walk.fill(page.get_by_role("searchbox", name="What do you want to know?"), "waste collection")
    walk.click(page.get_by_role("button", name="Search practices"))
    page.wait_for_url(re.compile(r"[?&]q=waste"))
    # Titles are Dutch (the content is); the English words find Meppel's and Zeist's waste
    # partnerships with Al Hoceima and Berkane.
    result = page.get_by_role("link", name=re.compile("Al Hoceima|Berkane")).first
    result.wait_for()
    axe_clean(page)
    walk.shot("2-results")
    walk.click(result)
    page.get_by_role("heading", level=1, name=re.compile("Al Hoceima|Berkane")).wait_for()
    assert page.locator("html").get_attribute("lang") == "en"
    axe_clean(page)
    walk.shot("3-practice")


AFTER = {
    "weert": after_weert,
    "enschede": after_enschede,
    "facilitator": after_facilitator,
    "secretary": after_secretary,
    "opsterland": after_opsterland,
    "english": after_english,
}


# --- The tests ------------------------------------------------------------------------


def test_weert_policy_officer_finds_who_solved_it_and_asks_for_an_introduction(
    browser_page,
    live_server,
):
    from kennisschakel.matching.models import Introduction

    walk = start(browser_page, live_server, "weert")
    after_weert(walk)
    assert Introduction.objects.filter(
        asker=organisation("GM0988"),
        recipient=organisation("GM0153"),
        status=Introduction.Status.REQUESTED,
    ).exists()
    finish(walk)


def test_enschede_coordinator_answers_the_introduction_and_records_the_exchange(
    browser_page,
    live_server,
):
    from kennisschakel.accounts.models import User
    from kennisschakel.matching import services
    from kennisschakel.partnerships.models import ExchangeActivity

    # What the Weert policy officer's walkthrough leaves behind.
    weert = User.objects.get(email=USERS["weert"])
    introduction = services.request_introduction(
        weert, "municipality:GM0153", "Wij willen leren van uw samenwerking met Duitse buren."
    )
    exchanges_before = ExchangeActivity.objects.count()

    walk = start(browser_page, live_server, "enschede")
    after_enschede(walk, subject=introduction.subject)
    introduction.refresh_from_db()
    assert introduction.status == introduction.Status.ACCEPTED
    assert ExchangeActivity.objects.count() == exchanges_before + 1
    exchange = ExchangeActivity.objects.order_by("-pk").first()
    assert {side.organisation_id for side in exchange.sides.all()} == {
        organisation("GM0153").pk,
        organisation("GM0988").pk,
    }
    finish(walk)


def test_facilitator_sees_the_waves_and_the_system_status(browser_page, live_server):
    from kennisschakel.monitor.demo import load_demo_wave

    wave, _code = load_demo_wave()
    walk = start(browser_page, live_server, "facilitator")
    after_facilitator(walk, wave_title=wave.title)
    finish(walk)


def test_secretary_opens_the_monitor_with_the_letter_code_and_answers(
    browser_page,
    live_server,
):
    from kennisschakel.monitor.demo import load_demo_wave
    from kennisschakel.monitor.models import Invitation

    wave, code = load_demo_wave()
    walk = start(browser_page, live_server, "secretary")
    after_secretary(walk, code=code, wave_slug=wave.slug)
    invitation = Invitation.objects.get(wave=wave, cbs_code="GM0153")
    assert invitation.submitted_at is not None
    assert invitation.answers["heeft_beleid"] == "nee"
    finish(walk)


def test_opsterland_councillor_finds_his_lessons_and_reads_a_council_note(
    browser_page,
    live_server,
):
    walk = start(browser_page, live_server, "opsterland")
    after_opsterland(walk)
    finish(walk)


def test_english_speaking_partner_searches_in_english_and_reads_a_practice(
    browser_page,
    live_server,
):
    walk = start(browser_page, live_server, "english")
    after_english(walk)
    finish(walk)
