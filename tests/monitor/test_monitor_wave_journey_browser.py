"""Issue 14's journey in one browser run: the facilitator creates a wave that is open
because its dates say so, prints the letters after confirming, reprints one letter and
previews the questionnaire; the secretary opens the personal link printed on her letter,
answers, sees the progress go steadily up and submits; after closing, the same link
shows "Waar staan wij". The separate browser tests look at each step in more detail."""

import datetime
import io
import re

import pytest

from tests.chromium import BROWSER, log_in, shot

pytestmark = BROWSER
KEEP = ["GM0153", "GM0988", "GM0193"]  # Enschede, Weert, Zwolle: a short PDF, same steps


def job_done(page, text: str) -> str:
    """Let the worker make the job's file, then the job page's text once it shows ``text``."""
    from tests.background import run_queued_tasks

    page.wait_for_url("**/bestanden/**")
    run_queued_tasks(["files"])
    page.reload()
    page.get_by_text(text).first.wait_for()
    return page.locator("main").inner_text()


def letter_links(page) -> dict[str, str]:
    """The personal link printed on each letter of the job's PDF, by CBS code."""
    from pypdf import PdfReader

    href = page.get_by_role("link", name="downloaden").first.get_attribute("href")
    pdf = page.request.get(
        href if href.startswith("http") else page.url.split("/bestanden/")[0] + href
    )
    assert pdf.status == 200
    links = {}
    for sheet in PdfReader(io.BytesIO(pdf.body())).pages:
        text = sheet.extract_text()
        code = re.search(r"GM\d{4}", text).group(0)
        # A long link may be broken over two lines in the letter.
        joined = re.sub(r"\s*\n\s*", "", text)
        links[code] = re.search(r"https?://\S+?/code/[A-Z0-9]+/", joined).group(0)
    return links


def test_facilitator_runs_a_wave_and_the_secretary_answers_by_the_link(
    browser_page,
    live_server,
    facilitator,
    settings,
):
    from kennisschakel.monitor.models import Invitation, Wave

    settings.KENNISSCHAKEL_SITE_URL = live_server.url
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    page = browser_page
    log_in(page, live_server, facilitator)

    # A new wave: no web address and no size classes to fill in, open today by its dates.
    page.goto(f"{live_server.url}/monitor/golven/nieuw/")
    page.get_by_label("Vragenlijst").select_option(
        label="Monitor gemeentelijk internationaal beleid"
    )
    page.get_by_label("Titel").fill("Reisgolf 2026")
    page.get_by_label("Periode").fill("2026")
    page.get_by_role("button", name="Meting aanmaken").click()
    page.get_by_text("De meting is aangemaakt met 342 uitgenodigde gemeenten.").wait_for()
    assert "Open van" in page.locator("main").inner_text()
    wave = Wave.objects.get(title="Reisgolf 2026")
    wave.invitations.exclude(cbs_code__in=KEEP).delete()
    wave_url = page.url

    # All letters, after a confirmation that counts them.
    page.get_by_role("link", name="Brieven afdrukken").first.click()
    page.get_by_text("3 brieven met een nieuwe code").wait_for()
    page.locator("main").get_by_role("button", name="Brieven afdrukken").click()
    outcome = job_done(page, "3 brieven")
    assert "3 gemeenten zonder e-mailadres" in outcome
    links = letter_links(page)
    assert sorted(links) == sorted(KEEP)

    # One letter again: Weert's; Enschede's letter (and link) keeps working.
    page.goto(wave_url)
    page.get_by_role("link", name="Codes per gemeente").click()
    page.get_by_role("button", name="Brief opnieuw afdrukken: Weert").click()
    assert "1 brief" in job_done(page, "1 brief")

    # The preview shows the routing in words and saves nothing.
    page.goto(wave_url)
    page.get_by_role("link", name="Voorbeeld van de vragenlijst").click()
    page.get_by_role("heading", name="Voorbeeld van de vragenlijst").wait_for()
    assert "Alleen als" in page.locator("main").inner_text()
    shot(page, "journey-preview")
    assert Invitation.objects.filter(wave=wave, started_at__isnull=False).count() == 0

    # The secretary of Enschede, in a browser of her own, opens the link from her letter.
    secretary = page.context.browser.new_page()
    secretary.goto(links["GM0153"])
    secretary.get_by_role("heading", name="Invuller").wait_for()
    assert "/code/" not in secretary.url
    seen = []

    def progress():
        seen.append(int(secretary.evaluate("document.getElementById('survey-progress-bar').value")))

    progress()
    secretary.get_by_role("button", name="Opslaan en verder").click()
    secretary.wait_for_url("**/vragen/beleid/")
    progress()
    secretary.get_by_label("Nee", exact=True).check()  # no policy: the policy pages close
    secretary.locator("[data-question=heeft_beleid] .save-status").filter(
        has_text="Opgeslagen"
    ).wait_for()
    secretary.locator("[data-question=redenen_geen_beleid] input").first.check()  # why not
    for _page in range(12):
        secretary.get_by_role("button", name="Opslaan en verder").click()
        secretary.wait_for_load_state("domcontentloaded")
        if "/overzicht/" in secretary.url:
            break
        progress()
    assert "/overzicht/" in secretary.url
    progress()
    assert seen == sorted(seen) and seen[-1] == 100, seen
    submit = secretary.get_by_role("button", name="De antwoorden indienen")
    if submit.is_disabled():  # a required answer on a page that stayed open
        pytest.fail(secretary.locator(".to-fix").inner_text())
    submit.click()
    secretary.get_by_role("heading", name="Dank u wel").wait_for()
    assert Invitation.objects.get(wave=wave, cbs_code="GM0153").submitted_at is not None

    # After closing (by its dates), the same link shows "Waar staan wij".
    Wave.objects.filter(pk=wave.pk).update(
        opens_on=datetime.date.today() - datetime.timedelta(days=40),
        closes_on=datetime.date.today() - datetime.timedelta(days=1),
    )
    later = page.context.browser.new_page()
    later.goto(links["GM0153"])
    later.wait_for_url("**/waar-staan-wij/")
    assert "Enschede" in later.locator("main").inner_text()
    shot(later, "journey-where-we-stand")
