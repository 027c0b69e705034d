"""In headless Chromium: the party combobox (register/widgets.py + combobox.js) used
with the keyboard only, and checked with axe while its list is open."""

from tests.chromium import BROWSER, WCAG_21_AA, log_in, shot

pytestmark = BROWSER


def _axe_violations(page):
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
    return [v["id"] for v in result.response["violations"]]


def test_choose_a_party_with_the_keyboard_only_and_save(browser_page, live_server, make_user):
    page = browser_page
    user = make_user("coordinator", "GM0153", email="toetsenbord@enschede.test")
    log_in(page, live_server, user)

    page.goto(f"{live_server.url}/uitwisselingen/nieuw/")
    page.get_by_label("Vorm van uitwisseling").select_option("werkbezoek")
    page.get_by_label("Titel").fill("Werkbezoek grensmobiliteit")
    page.get_by_label("Begindatum").fill("2025-10-01")
    page.locator("#id_own_direction").select_option("received")
    page.locator("#id_other_direction").select_option("gave")

    field = page.locator("#id_other_party")
    assert field.get_attribute("role") == "combobox"  # enhanced by combobox.js
    assert field.get_attribute("aria-expanded") == "false"
    field.focus()
    page.keyboard.type("Weer", delay=40)
    listbox = page.locator("#id_other_party-listbox")
    listbox.get_by_role("option").first.wait_for()
    assert field.get_attribute("aria-expanded") == "true"
    assert "Weert" in listbox.get_by_role("option").first.inner_text()
    # The spoken count is Dutch, with the number filled in (issue 13: "%s" showed in English).
    status = page.locator("#id_other_party-listbox ~ [role=status]")
    count = listbox.get_by_role("option").count()
    assert status.inner_text() == f"{count} suggesties; kies met de pijltjestoetsen."
    assert _axe_violations(page) == []
    shot(page, "combobox-open")

    page.keyboard.press("ArrowDown")
    active = field.get_attribute("aria-activedescendant")
    assert active and page.locator(f"#{active}").get_attribute("aria-selected") == "true"
    page.keyboard.press("Enter")  # chooses; does not submit
    assert field.input_value() == "Weert"
    assert status.inner_text() == "Gekozen: Weert"
    assert field.get_attribute("aria-expanded") == "false"
    assert page.url.endswith("/uitwisselingen/nieuw/")

    page.keyboard.press("Enter")  # now submits the form
    page.get_by_role("heading", name="Werkbezoek grensmobiliteit").wait_for()
    assert "Weert" in page.locator("main").inner_text()


def test_without_a_choice_the_server_explains_an_ambiguous_name(
    browser_page,
    live_server,
    make_user,
):
    page = browser_page
    user = make_user("coordinator", "GM0153", email="dubbelzinnig@enschede.test")
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/uitwisselingen/nieuw/")
    page.get_by_label("Vorm van uitwisseling").select_option("werkbezoek")
    page.get_by_label("Titel").fill("Werkbezoek Bergen")
    page.get_by_label("Begindatum").fill("2025-10-01")
    page.locator("#id_other_party").fill("Bergen")
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Opslaan").click()
    summary = page.locator("#error-summary").inner_text()
    assert "'Bergen' kan meer dan één partij zijn" in summary
    assert "Bergen (NH.) (GM0373)" in summary
    assert page.locator("#id_other_party").input_value() == "Bergen"
    assert _axe_violations(page) == []


def test_countries_of_a_question_and_partners_with_the_keyboard(
    browser_page,
    live_server,
    make_user,
):
    page = browser_page
    user = make_user("coordinator", "GM0153", email="landen@enschede.test")
    log_in(page, live_server, user)

    page.goto(f"{live_server.url}/kennisvragen/nieuw/")
    page.get_by_label("Korte titel (niet verplicht)").fill("Stedenband rond onderwijs")
    page.locator("#id_text").fill("Wie werkt samen met steden in China of Duitsland op onderwijs?")
    # Issue 13: countries are ticked in a list with a filter field (choicefilter.js).
    search = page.locator("#id_countries_filter")
    for typed, chosen in (("Duits", "Duitsland"), ("Chin", "China")):
        search.fill("")
        search.focus()
        page.keyboard.type(typed, delay=40)
        box = page.get_by_role("checkbox", name=chosen, exact=True)
        box.wait_for()
        box.focus()
        page.keyboard.press("Space")
        assert box.is_checked()
    assert _axe_violations(page) == []
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_role("heading", name="Stedenband rond onderwijs").wait_for()
    from kennisschakel.matching.models import Question

    question = Question.objects.get(title="Stedenband rond onderwijs")
    assert {c.iso2 for c in question.countries.all()} == {"CN", "DE"}

    page.goto(f"{live_server.url}/partnerschappen/nieuw/")
    add = page.locator("#id_partners_text_add")
    assert add.is_visible()  # shown only with JavaScript
    add.focus()
    page.keyboard.type("Münst", delay=40)
    page.locator("#id_partners_text_add-listbox [role=option]").first.wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.locator("#id_partners_text").input_value().splitlines() == [
        "GM0153",
        "Münster, Duitsland",
    ]
    assert _axe_violations(page) == []


def test_without_javascript_it_is_a_plain_field_the_server_resolves(
    browser_page,
    live_server,
    make_user,
):
    context = browser_page.context.browser.new_context(java_script_enabled=False)
    page = context.new_page()
    user = make_user("coordinator", "GM0153", email="zonderjs@enschede.test")
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/uitwisselingen/nieuw/")
    field = page.locator("#id_other_party")
    assert field.get_attribute("role") is None  # no combobox without its script
    assert page.locator("[role=listbox]").count() == 0
    page.get_by_label("Vorm van uitwisseling").select_option("werkbezoek")
    page.get_by_label("Titel").fill("Werkbezoek zonder script")
    page.get_by_label("Begindatum").fill("2025-10-01")
    field.fill("weert")
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_role("heading", name="Werkbezoek zonder script").wait_for()
    assert "Weert" in page.locator("main").inner_text()
    page.goto(f"{live_server.url}/partnerschappen/nieuw/")
    assert not page.locator("#id_partners_text_add").is_visible()  # the add box needs JS
    context.close()
