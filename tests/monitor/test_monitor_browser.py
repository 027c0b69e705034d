"""In headless Chromium: answers are saved as they are given, and come back with the code."""

import datetime

from tests.chromium import BROWSER, WCAG_21_AA, shot

pytestmark = BROWSER


def open_wave_with_code():
    from kennisschakel.monitor import services
    from kennisschakel.monitor.models import Instrument
    from kennisschakel.register.models import SizeScheme

    today = datetime.date.today()
    wave = services.create_wave(
        {
            "slug": "gib-browser",
            "instrument": Instrument.objects.get(slug="gib"),
            "title": "Monitor internationaal beleid (browser)",
            "period": str(today.year),
            "reference_date": datetime.date(today.year, 1, 1),
            "size_scheme": SizeScheme.objects.get(slug="gib2009"),
            "opens_on": today - datetime.timedelta(days=1),
            "closes_on": today + datetime.timedelta(days=30),  # open by its dates
        }
    )
    return wave, services.issue_code(wave.invitations.get(cbs_code="GM0153"))


def test_autosave_survives_closing_the_browser(browser_page, live_server):
    from axe_playwright_python.sync_playwright import Axe

    from kennisschakel.monitor.models import Invitation

    wave, code = open_wave_with_code()
    page = browser_page
    page.goto(f"{live_server.url}/monitor/{wave.slug}/")
    page.get_by_label("Toegangscode").fill(code)
    page.get_by_role("button", name="Vragenlijst openen").click()
    page.get_by_role("heading", name="Invuller").wait_for()
    page.goto(f"{live_server.url}/monitor/{wave.slug}/vragen/beleid/")

    activities = page.locator("[data-question=activiteiten]")
    assert activities.is_hidden()  # asked only when the municipality has a policy
    page.get_by_label("Ja", exact=True).check()
    activities.wait_for(state="visible")
    page.get_by_label("Stedenband", exact=False).first.check()
    page.locator("[data-question=activiteiten] .save-status").filter(
        has_text="Opgeslagen"
    ).wait_for()
    violations = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
    assert [v["id"] for v in violations.response["violations"]] == []
    shot(page, "monitor-question-page")

    # Close the browser window without submitting anything, then come back: nothing lost.
    browser = page.context.browser
    page.context.close()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/monitor/{wave.slug}/vragen/beleid/")
    page.get_by_label("Toegangscode").wait_for()
    page.get_by_label("Toegangscode").fill(code)
    page.get_by_role("button", name="Vragenlijst openen").click()
    page.goto(f"{live_server.url}/monitor/{wave.slug}/vragen/beleid/")
    assert page.get_by_label("Ja", exact=True).is_checked()
    assert page.locator("[data-question=activiteiten] input:checked").count() == 1
    invitation = Invitation.objects.get(wave=wave, cbs_code="GM0153")
    assert invitation.answers["heeft_beleid"] == "ja"
    assert len(invitation.answers["activiteiten"]) == 1
    shot(page, "monitor-answers-back")


def test_results_pages_pass_axe(browser_page, live_server, make_user, facilitator):
    from axe_playwright_python.sync_playwright import Axe
    from django.utils import timezone

    from kennisschakel.monitor import services
    from tests.chromium import log_in

    wave, _code = open_wave_with_code()
    answers = [
        {"heeft_beleid": "ja", "activiteiten": ["stedenband", "netwerken"], "nota_beleid": "nee"},
        {"heeft_beleid": "ja", "activiteiten": ["stedenband"], "nota_beleid": "ja_huidige_periode"},
        {"heeft_beleid": "nee", "redenen_geen_beleid": ["geen_prioriteit"]},
    ]
    invitations = list(wave.invitations.filter(size_class__in=["gib2009-100k-plus",
                                                               "gib2009-20k-50k"]))  # fmt: skip
    for index, invitation in enumerate(invitations):
        invitation.answers = answers[index % 3]
        invitation.submitted_at = timezone.now()
        invitation.save()
    services.close_wave(wave)
    axe = Axe()
    page = browser_page

    def check(path, name):
        page.goto(f"{live_server.url}{path}")
        result = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
        assert [v["id"] for v in result.response["violations"]] == [], path
        shot(page, name)

    log_in(page, live_server, facilitator)
    check(f"/monitor/golven/{wave.slug}/", "monitor-wave-detail")
    check(f"/monitor/golven/{wave.slug}/rapport/", "monitor-report")
    check("/monitor/golven/nieuw/", "monitor-wave-form")
    page.context.clear_cookies()
    log_in(page, live_server, make_user("contributor", "GM0153", email="monitor@enschede.test"))
    check(f"/monitor/golven/{wave.slug}/waar-staan-wij/", "monitor-where-we-stand")
    assert "Enschede" in page.locator("main").inner_text()
