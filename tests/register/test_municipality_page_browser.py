"""In headless Chromium: Opsterland's page shows its negative lesson to a visitor, and
Enschede's coordinator sees the page of her own municipality; axe-clean and without
horizontal overflow at 1366 and 390 px."""

from tests.chromium import BROWSER, WCAG_21_AA, log_in, shot

pytestmark = BROWSER


def test_municipality_pages_read_on_desktop_and_phone(browser_page, live_server, make_user):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page = browser_page

    def check(name):
        for width in (1366, 390):
            page.set_viewport_size({"width": width, "height": 900})
            result = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
            assert [v["id"] for v in result.response["violations"]] == [], (page.url, width)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, width
            shot(page, f"{name}-{width}")

    page.goto(f"{live_server.url}/gemeenten/GM0086/")
    lessons = page.get_by_role("region", name="Praktijken en lessen")
    assert "Opsterland zocht Europese samenwerking, maar" in lessons.inner_text()
    check("municipality-opsterland")

    wave = _closed_wave_with_enschede()
    enschede = make_user("coordinator", "GM0153", email="coordinator@enschede.test")
    log_in(page, live_server, enschede)
    page.goto(f"{live_server.url}/gemeenten/GM0153/")
    page.get_by_role("heading", name="Partnerschappen", level=2).wait_for()
    monitor = page.get_by_role("region", name="Monitor")
    assert monitor.get_by_role("link", name=f"Waar staan wij in {wave.title}").is_visible()
    check("municipality-enschede-own")


def _closed_wave_with_enschede():
    """A closed wave in which Enschede and five municipalities of its size class answered."""
    import datetime

    from django.utils import timezone

    from kennisschakel.monitor import services
    from kennisschakel.monitor.instruments import load_instruments
    from kennisschakel.monitor.models import Instrument
    from kennisschakel.register.models import SizeScheme

    today = datetime.date.today()
    if not Instrument.objects.filter(slug="gib").exists():
        load_instruments()
    wave = services.create_wave(
        {
            "slug": "gib-gemeentepagina",
            "instrument": Instrument.objects.get(slug="gib"),
            "title": "Monitor internationaal beleid (proef)",
            "period": str(today.year),
            "reference_date": datetime.date(today.year, 1, 1),
            "size_scheme": SizeScheme.objects.get(slug="gib2009"),
            "opens_on": today - datetime.timedelta(days=30),
            "closes_on": today - datetime.timedelta(days=1),  # closed by its dates
        }
    )
    enschede = wave.invitations.get(cbs_code="GM0153")
    others = wave.invitations.filter(size_class=enschede.size_class).exclude(pk=enschede.pk)
    for invitation in [enschede, *others.order_by("cbs_code")[:5]]:
        invitation.answers = {"heeft_beleid": "ja", "nota_beleid": "nee"}
        invitation.submitted_at = timezone.now()
        invitation.save()
    return wave
