"""A facilitator runs a national wave of 342 municipalities: clicks and waiting time.

    .venv/bin/python benchmarks/monitor_facilitator.py --base-url http://127.0.0.1:8091 \\
        --tree before [--screenshots var/screenshots --prefix wave-before] [--json F]

Issue 14 asks for the facilitator's clicks and waiting time for a wave of 342, before and
after. The tasks, in headless Chromium from the login page, counted with the ``Walk`` of
``benchmarks/walkthroughs.py`` (clicks, typed fields, addresses typed):

1. create a wave of all municipalities that opens today (and make it open);
2. send the letters (and e-mails) to all 342 municipalities and have the PDF in hand;
3. reprint one municipality's letter;
4. look at the questionnaire as a respondent would see it (a preview);
5. remind the municipalities that have not answered;
6. close the wave.

*Waiting* is the wall-clock time from the click that starts a task's slow part to the
moment its outcome is on the screen (the PDF's download link, the outcome message). A task
that the tree cannot do is reported as such, not counted.

Run it against a server of the tree it names, with the worker running (the letters are a
background job), on a database made for the purpose (``make run``'s steps with a
``DATABASE_URL`` and ``KENNISSCHAKEL_VAR_DIR`` of its own): the walk creates a wave.
For another checkout, ``PYTHONPATH=/work/before14/src`` before ``kennisschakel``.
"""

import argparse
import datetime
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from walkthroughs import USERS, Walk, launch  # noqa: E402


def _wait_for_download(walk: Walk, timeout_ms: int = 600_000) -> float:
    """Seconds until the generated file's download link shows on the job page."""
    started = time.perf_counter()
    walk.page.get_by_role("link", name="Download").first.wait_for(timeout=timeout_ms)
    return time.perf_counter() - started


def before(walk: Walk, title: str) -> dict:
    """The pages of the tree before issue 14 (/work/before14)."""
    page = walk.page
    waits = {}
    closes = (datetime.date.today() + datetime.timedelta(days=60)).isoformat()

    walk.log_in(USERS["facilitator"])
    walk.click(page.get_by_role("link", name="Monitor", exact=True).first)
    walk.click(page.get_by_role("link", name="Nieuwe meting"))
    walk.click(page.get_by_label("Instrument"))
    page.get_by_label("Instrument").select_option(
        label="Monitor gemeentelijk internationaal beleid"
    )
    walk.fill(page.get_by_label("Titel"), title)
    walk.fill(page.get_by_label("Slug"), "bench-" + str(int(time.time())))
    walk.fill(page.get_by_label("Periode"), "2026")
    walk.click(page.get_by_label("Indeling in grootteklassen"))
    page.get_by_label("Indeling in grootteklassen").select_option(
        label="Monitor GIB 2009 (vijf klassen)"
    )
    walk.fill(page.get_by_label("Sluit op"), closes)
    started = time.perf_counter()
    walk.click(page.get_by_role("button", name="Meting aanmaken"))
    page.wait_for_load_state()
    waits["create"] = time.perf_counter() - started
    # A new wave is 'in voorbereiding' even when it opens today: open it by hand.
    walk.click(page.get_by_label("Status"))
    page.get_by_label("Status").select_option("open")
    walk.click(page.get_by_role("button", name="Status wijzigen"))
    walk.shot("created")
    steps = {"create": walk.counts()["clicks"]}

    started = time.perf_counter()
    walk.click(page.get_by_role("button", name="Brieven afdrukken en e-mails versturen"))
    waits["letters"] = time.perf_counter() - started + _wait_for_download(walk)
    walk.shot("letters")
    walk.click(page.get_by_role("link", name="Download").first)
    steps["letters"] = walk.counts()["clicks"] - steps["create"]

    walk.click(page.get_by_role("link", name="Terug"))
    mark = walk.counts()["clicks"]
    walk.click(page.get_by_role("button", name="Herinneringen versturen"))
    walk.shot("reminders")
    steps["reminders"] = walk.counts()["clicks"] - mark

    mark = walk.counts()["clicks"]
    walk.click(page.get_by_label("Status"))
    page.get_by_label("Status").select_option("closed")
    walk.click(page.get_by_role("button", name="Status wijzigen"))
    steps["close"] = walk.counts()["clicks"] - mark
    return {
        "tasks": steps,
        "waits": waits,
        "not_possible": ["reprint one letter", "preview the questionnaire"],
        "message_after_letters": "none (the job page shows the PDF only)",
    }


def _wave_page(walk: Walk, title: str) -> None:
    """Back to the wave's page the way a facilitator goes: the menu, then the wave."""
    walk.click(walk.page.get_by_role("link", name="Monitor", exact=True).first)
    walk.click(walk.page.get_by_role("link", name=title))


def after(walk: Walk, title: str) -> dict:
    """The pages of the tree after issue 14: status from the dates, confirmations with
    counts, background jobs with an outcome, the list of codes per municipality."""
    page = walk.page
    waits = {}
    steps = {}
    reminders = ""

    walk.log_in(USERS["facilitator"])
    walk.click(page.get_by_role("link", name="Monitor", exact=True).first)
    walk.click(page.get_by_role("link", name="Nieuwe meting"))
    walk.click(page.get_by_label("Vragenlijst"))
    page.get_by_label("Vragenlijst").select_option(
        label="Monitor gemeentelijk internationaal beleid"
    )
    walk.fill(page.get_by_label("Titel"), title)
    walk.fill(page.get_by_label("Periode"), "2026")
    started = time.perf_counter()
    walk.click(page.get_by_role("button", name="Meting aanmaken"))
    page.wait_for_load_state()
    waits["create"] = time.perf_counter() - started
    walk.shot("created")  # opens today: open without a status change
    steps["create"] = walk.counts()["clicks"]

    mark = walk.counts()["clicks"]
    walk.click(page.get_by_role("link", name="Brieven afdrukken"))
    walk.shot("letters-confirm")
    started = time.perf_counter()
    walk.click(page.get_by_role("button", name="Brieven afdrukken"))
    waits["letters"] = time.perf_counter() - started + _wait_for_download(walk)
    walk.shot("letters")
    outcome_letters = page.locator("main").inner_text()
    walk.click(page.get_by_role("link", name="Download").first)
    steps["letters"] = walk.counts()["clicks"] - mark

    _wave_page(walk, title)
    mark = walk.counts()["clicks"]
    walk.click(page.get_by_role("link", name="Codes per gemeente"))
    started = time.perf_counter()
    walk.click(page.get_by_role("button", name="Brief opnieuw afdrukken: Aalsmeer"))
    waits["reprint"] = time.perf_counter() - started + _wait_for_download(walk)
    walk.click(page.get_by_role("link", name="Download").first)
    steps["reprint"] = walk.counts()["clicks"] - mark

    _wave_page(walk, title)
    mark = walk.counts()["clicks"]
    walk.click(page.get_by_role("link", name="Voorbeeld van de vragenlijst"))
    walk.shot("preview")
    steps["preview"] = walk.counts()["clicks"] - mark

    _wave_page(walk, title)
    mark = walk.counts()["clicks"]
    walk.click(page.get_by_role("link", name="Herinneringen sturen"))
    button = page.get_by_role("button", name="Herinneringen sturen")
    if button.count():
        started = time.perf_counter()
        walk.click(button)
        page.get_by_text("verstuurd").first.wait_for()
        waits["reminders"] = time.perf_counter() - started
    else:  # the demo's municipalities have no e-mail address: the page says what to do
        reminders = page.locator(".message-error").first.inner_text()
    walk.shot("reminders")
    steps["reminders"] = walk.counts()["clicks"] - mark

    _wave_page(walk, title)
    mark = walk.counts()["clicks"]
    walk.click(page.get_by_role("link", name="Nu sluiten"))
    walk.check(page.get_by_role("checkbox"))
    walk.click(page.get_by_role("button", name="Meting sluiten"))
    page.get_by_text("gesloten").first.wait_for()
    steps["close"] = walk.counts()["clicks"] - mark
    walk.shot("closed")
    return {
        "tasks": steps,
        "waits": waits,
        "not_possible": [],
        "message_reminders": reminders,
        "message_after_letters": " ".join(
            line for line in outcome_letters.splitlines() if "brieven" in line
        ),
    }


FLOWS = {"before": before, "after": after}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8091")
    parser.add_argument("--tree", choices=sorted(FLOWS), default="before")
    parser.add_argument("--screenshots", type=Path, default=None)
    parser.add_argument("--prefix", default="wave")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    title = f"Benchmarkgolf {datetime.datetime.now():%H%M%S}"
    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        page = context.new_page()
        page.set_default_timeout(30_000)
        walk = Walk(page, args.base_url, "facilitator", args.screenshots, args.prefix)
        started = time.perf_counter()
        outcome = FLOWS[args.tree](walk, title)
        outcome["total_seconds"] = time.perf_counter() - started
        outcome.update(walk.counts())
        browser.close()
    print(
        f"{args.tree}: clicks {outcome['clicks']}, typed {outcome['typed']}, "
        f"total {outcome['total_seconds']:.1f} s"
    )
    for task, clicks in outcome["tasks"].items():
        wait = outcome["waits"].get(task)
        print(f"  {task:10} clicks {clicks:2}" + (f"  waiting {wait:.1f} s" if wait else ""))
    navigation = outcome["clicks"] - sum(outcome["tasks"].values())
    print(f"  {'navigation':10} clicks {navigation:2}  (back to the wave's page between tasks)")
    for task in outcome.get("not_possible", []):
        print(f"  not possible: {task}")
    if args.json:
        args.json.write_text(json.dumps(outcome, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
