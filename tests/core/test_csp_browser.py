"""In Chromium: no page breaks the Content-Security-Policy, also while htmx swaps content.

The browser reports every blocked script, style, handler or eval as a console message and
as a ``securitypolicyviolation`` event; both are collected on every key page.
"""

from kennisschakel.partnerships.models import LearningDimension, LearningScore, Partnership
from tests.chromium import BROWSER, PAGES

pytestmark = BROWSER

LISTEN_FOR_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def watch(page) -> list[str]:
    """Collect the console's CSP complaints; the page's own events are read per page."""
    complaints = []
    page.add_init_script(LISTEN_FOR_VIOLATIONS)

    def on_console(message):
        text = message.text
        if "Content Security Policy" in text or "Refused to" in text:
            complaints.append(f"{page.url}: {text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: complaints.append(f"{page.url}: {error}"))
    return complaints


def violations_on(page) -> list[str]:
    return [f"{page.url}: {v}" for v in page.evaluate("window.__cspViolations || []")]


def test_key_pages_and_htmx_search_raise_no_csp_violations(browser_page, live_server):
    page = browser_page
    page.set_default_timeout(60_000)  # the learning chart draws with matplotlib on first use
    partnership = Partnership.objects.get(slug="zeist-berkane")
    for partner in partnership.partners.all():
        LearningScore.objects.create(
            partner=partner, year=2024, dimension=LearningDimension.values[0], score=3
        )
    complaints = watch(page)
    found = []
    extra = [
        "/partnerschappen/zeist-berkane/wederzijds-leren/?year=2024",
        "/praktijken/%00/",
        "/beheer/login/",
    ]
    for path in PAGES + extra:
        response = page.goto(f"{live_server.url}{path}")
        # Django's admin uses no nonce: its policy is plain script-src 'self'.
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        page.wait_for_load_state("networkidle")
        found += violations_on(page)

    # htmx: filter as you type, swap the results, push the URL; then back in history.
    page.goto(f"{live_server.url}/gemeenten/")
    page.get_by_label("Naam").fill("sudwest")
    page.get_by_text("1 gemeente", exact=True).wait_for()
    assert page.evaluate("typeof htmx !== 'undefined' && htmx.config.allowEval") is False
    page.goto(f"{live_server.url}/praktijken/")
    page.locator("#practice-q").fill("armoede")
    page.wait_for_url("**q=armoede**")
    page.go_back()
    page.wait_for_load_state("networkidle")
    found += violations_on(page)

    assert found + complaints == []


def test_an_injected_inline_handler_is_blocked_and_reported(browser_page, live_server):
    """What an XSS would try: markup with an event handler. The policy stops it."""
    page = browser_page
    watch(page)
    page.goto(f"{live_server.url}/")
    page.evaluate(
        """() => document.body.insertAdjacentHTML(
             "beforeend", '<img src="data:," onload="window.__ran = true" alt="">')"""
    )
    page.wait_for_function("window.__cspViolations.length > 0")
    assert page.evaluate("window.__ran === undefined")
    assert any("script-src" in violation for violation in violations_on(page))
