"""In headless Chromium: the facilitator reprints one letter from the code list, then
prints the missing letters after confirming; both pages pass axe."""

from tests.chromium import BROWSER, WCAG_21_AA, log_in, shot

pytestmark = BROWSER


def test_reprint_one_letter_then_print_the_missing_after_confirming(
    browser_page,
    live_server,
    facilitator,
    settings,
):
    from axe_playwright_python.sync_playwright import Axe

    from kennisschakel.monitor import bulk
    from kennisschakel.monitor.models import AccessCode
    from tests.background import run_queued_tasks
    from tests.monitor.test_monitor_browser import open_wave_with_code

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    wave, _code = open_wave_with_code()
    wave.invitations.exclude(cbs_code__in=["GM0153", "GM0988", "GM0193"]).delete()
    bulk.add_contact_address(wave.invitations.get(cbs_code="GM0988"), "griffie@weert.test")
    axe = Axe()
    page = browser_page

    def no_violations():
        result = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
        assert [v["id"] for v in result.response["violations"]] == [], page.url

    log_in(page, live_server, facilitator)
    page.goto(f"{live_server.url}/monitor/golven/{wave.slug}/")
    page.get_by_role("link", name="Codes per gemeente").click()
    page.get_by_role("heading", name="Codes per gemeente").wait_for()
    no_violations()
    shot(page, "monitor-codes")
    page.get_by_role("button", name="Brief opnieuw afdrukken: Enschede").click()
    page.wait_for_url("**/bestanden/**")
    run_queued_tasks(["files"])
    page.reload()
    page.get_by_text("1 brief, 1 eerdere code ongeldig gemaakt.").wait_for()
    enschede = AccessCode.objects.filter(invitation__cbs_code="GM0153", invitation__wave=wave)
    assert enschede.filter(kind="letter", revoked_at__isnull=True).count() == 1

    page.goto(f"{live_server.url}/monitor/golven/{wave.slug}/codes/")
    page.get_by_role("link", name="Brieven afdrukken").first.click()
    main = page.locator("main")
    main.get_by_text("2 brieven met een nieuwe code").wait_for()
    assert "Er wordt geen eerdere code ongeldig" in main.inner_text()
    assert "1 gemeente heeft al een geldige briefcode" in main.inner_text()
    no_violations()
    shot(page, "monitor-bulk-confirm")
    main.get_by_role("button", name="Brieven afdrukken").click()
    page.wait_for_url("**/bestanden/**")
    run_queued_tasks(["files"])
    page.reload()
    page.get_by_text("2 brieven, 1 e-mail verstuurd, 1 gemeente zonder e-mailadres.").wait_for()
    no_violations()
    live = AccessCode.objects.filter(invitation__wave=wave, revoked_at__isnull=True)
    assert live.count() == 3
