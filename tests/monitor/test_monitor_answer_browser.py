"""A municipal secretary answers the demo questionnaire on a phone (390 px), in headless
Chromium (issue 14, item 6): the progress shown never goes down while routing opens and
closes pages, the review page's links land on (and focus) each missing question, the
submit button waits with its reason, and nothing is wider than the screen."""

from tests.chromium import BROWSER, WCAG_21_AA, log_in, shot

pytestmark = BROWSER
PHONE = {"width": 390, "height": 844}


def shown_progress(page) -> tuple[int, str]:
    return (
        int(page.evaluate("document.getElementById('survey-progress-bar').value")),
        page.locator("#survey-progress-label").inner_text(),
    )


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_secretary_sees_steady_progress_and_review_links_focus_questions(
    browser_page,
    live_server,
):
    from axe_playwright_python.sync_playwright import Axe

    from kennisschakel.monitor.demo import load_demo_wave

    wave, code = load_demo_wave()
    assert code
    page = browser_page
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/monitor/{wave.slug}/")
    page.get_by_label("Toegangscode").fill(code)
    page.get_by_role("button", name="Vragenlijst openen").click()
    page.get_by_role("heading", name="Invuller").wait_for()

    seen = []  # (percent, label) after every page load and every autosave
    too_wide = []

    def look():
        percent, label = shown_progress(page)
        seen.append((percent, label))
        # Every block is always listed, the skipped ones marked.
        assert page.locator("li.survey-step").count() == 12
        if not fits(page):
            too_wide.append(page.url)

    def autosaved(question):
        page.locator(f"[data-question={question}] .save-status").filter(
            has_text="Opgeslagen"
        ).wait_for()
        page.wait_for_timeout(50)  # the indicator is updated in the same callback
        look()

    def next_page():
        page.get_by_role("button", name="Opslaan en verder").click()
        page.wait_for_load_state("domcontentloaded")

    look()
    next_page()  # invuller: left blank
    page.wait_for_url("**/vragen/beleid/")
    look()
    assert "van ongeveer 12" in seen[-1][1]  # the pages after depend on this answer
    page.get_by_label("Ja", exact=True).check()  # opens the policy pages
    autosaved("heeft_beleid")
    page.locator("[data-question=activiteiten] input").first.check()
    autosaved("activiteiten")
    for _page in range(12):
        next_page()
        if "/overzicht/" in page.url:
            break
        look()
        if page.locator("[data-question=regios_partners]").count():
            # One region of partners: three region pages close, one opens.
            page.locator("[data-question=regios_partners] input").first.check()
            autosaved("regios_partners")
            assert "niet van toepassing" in page.locator(".survey-pages").inner_text()
    assert "/overzicht/" in page.url
    look()
    percents = [percent for percent, _label in seen]
    assert percents == sorted(percents), seen  # never down
    steps = [int(label.split()[1]) for _p, label in seen if label.startswith("Stap")]
    assert all(b - a in (0, 1) for a, b in zip(steps, steps[1:], strict=False)), seen
    assert percents[-1] == 100
    assert too_wide == []

    # The review page: submit waits, with its reason; each missing answer is a link.
    submit = page.get_by_role("button", name="De antwoorden indienen")
    assert submit.is_disabled()
    assert page.locator("#submit-reason").is_visible()
    links = page.locator(".to-fix a")
    assert links.count() >= 3
    shot(page, "monitor-review-missing-390")
    violations = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
    assert [v["id"] for v in violations.response["violations"]] == []
    href = links.first.get_attribute("href")
    question = href.rsplit("#q-", 1)[1]
    links.first.click()
    page.wait_for_url(f"**{href}")
    page.wait_for_function(
        "code => document.activeElement && document.activeElement.closest"
        " && document.activeElement.closest('[data-question]')"
        " && document.activeElement.closest('[data-question]').dataset.question === code",
        arg=question,
    )
    assert fits(page)
    assert errors == []  # no script failed on any page
    shot(page, "monitor-missing-question-focused-390")


def test_facilitator_previews_and_clicks_through_without_saving(
    browser_page,
    live_server,
    facilitator,
):
    """Issue 14 item 5: the preview lists every question with its routing in words, and
    clicking through routes as for a respondent (with the page's own show/hide), at
    390 px, while nothing is saved."""
    from axe_playwright_python.sync_playwright import Axe

    from kennisschakel.monitor.demo import load_demo_wave
    from kennisschakel.monitor.models import AccessCode, Invitation

    wave, _code = load_demo_wave()
    codes_before = AccessCode.objects.count()
    page = browser_page
    log_in(page, live_server, facilitator)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{wave.get_absolute_url()}")
    page.get_by_role("link", name="Voorbeeld van de vragenlijst").click()
    page.get_by_role("heading", name="Voorbeeld van de vragenlijst").wait_for()
    assert page.get_by_text("Alleen als vraag 2 = Ja").count() >= 5
    assert fits(page)
    violations = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
    assert [v["id"] for v in violations.response["violations"]] == []
    shot(page, "monitor-preview-overview-390")
    page.get_by_role("link", name="Doorklikken als invuller").click()
    page.get_by_role("button", name="Volgende pagina (er wordt niets opgeslagen)").click()
    page.locator("[data-question=heeft_beleid]").wait_for()  # the next page, as POST answer
    reasons = page.locator("[data-question=redenen_geen_beleid]")
    assert reasons.is_hidden()
    page.get_by_label("Nee", exact=True).check()
    reasons.wait_for(state="visible")  # the routing on the page works as for a respondent
    reasons.locator("input").first.check()
    page.get_by_role("button", name="Volgende pagina (er wordt niets opgeslagen)").click()
    page.get_by_role("heading", name="Controleren en indienen").wait_for()
    assert "niet van toepassing" in page.locator(".survey-pages").inner_text()
    assert fits(page)
    shot(page, "monitor-preview-review-390")
    assert AccessCode.objects.count() == codes_before
    assert not Invitation.objects.filter(wave=wave, started_at__isnull=False).exists()
