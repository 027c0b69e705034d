"""Clicks per task for the six demo roles of issue 13, against a running server.

    .venv/bin/python benchmarks/walkthroughs.py --base-url http://127.0.0.1:8077 \\
        --code DMJPL-… [--role weert] [--screenshots var/screenshots --prefix walk-before]

Each walkthrough is what a new user does for one task, from the login page to the point
where the task is done (login → what waits → act → done), in headless Chromium. A
``Walk`` counts what the user does:

* clicks: every click on a link, button, radio button or checkbox, and every Enter
  pressed to follow a link or press a button (choosing an option in an autocomplete
  list is a click too);
* typed: every field the user types into (the login's e-mail address and password
  included; an address typed in the browser's bar is counted under ``addresses``);
* loads: every document loaded in the page (HTMX swaps and pushState are not).

The walkthroughs here follow the pages of the tree BEFORE issue 13's work
(/work/before13): its menu, its Mijn Kennisschakel, its forms. They take the shortest
path a user who knows where to look would take (a required field is filled before the
first submit, not after the error), so that before and after compare like with like.
The walkthroughs of the current tree are the browser tests in
tests/test_walkthroughs_browser.py, which use the same ``Walk``; the table of
both is var/helpers/walk-clicks.md.

The before walkthroughs write to the database they run against (a question, an
introduction, an exchange, the monitor answers): run them on a copy made for the
purpose (``make run``'s steps with DATABASE_URL and KENNISSCHAKEL_VAR_DIR of their own),
in the order given, because the coordinator answers the introduction the policy officer
asked for. The secretary needs the demo wave's access code that ``seed`` prints.
"""

import argparse
import json
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DEMO_PASSWORD = "demo-kennisschakel"  # noqa: S105  (the published demo credential)

USERS = {
    "weert": "beleid@weert.example",
    "enschede": "coordinator@enschede.example",
    "facilitator": "facilitator@kennisschakel.example",
    "opsterland": "raadslid@opsterland.example",
}


@dataclass
class Walk:
    """One user's task in one browser page, with what the user did counted."""

    page: object
    base_url: str
    role: str
    screenshots: Path | None = None
    prefix: str = "walk"
    clicks: int = 0
    typed: int = 0
    addresses: int = 0
    loads: int = 0
    steps: list[str] = field(default_factory=list)

    def __post_init__(self):
        # A document load, not a same-document navigation (HTMX's pushState).
        def on_loaded(_page):
            self.loads += 1

        self.page.on("load", on_loaded)

    def _note(self, kind, locator):
        try:
            text = locator.evaluate(
                "e => (e.labels && e.labels[0] ? e.labels[0].innerText : e.innerText"
                " || e.value || '').trim().split('\\n')[0].slice(0, 60)"
            )
        except Exception:  # noqa: BLE001  (the note is for the log only)
            text = "?"
        self.steps.append(f"{kind}: {text}")

    def goto(self, path: str) -> None:
        """An address the user types in (or follows from a letter or an e-mail)."""
        self.addresses += 1
        self.steps.append(f"address: {path}")
        self.page.goto(self.base_url + path)

    def click(self, locator) -> None:
        self._note("click", locator)
        locator.click()
        self.clicks += 1

    def check(self, locator) -> None:
        self._note("check", locator)
        locator.check()
        self.clicks += 1

    def press_enter(self, locator) -> None:
        self._note("enter", locator)
        locator.press("Enter")
        self.clicks += 1

    def fill(self, locator, text: str) -> None:
        self._note("type", locator)
        locator.fill(text)
        self.typed += 1

    def type(self, locator, text: str) -> None:
        """Typed key by key, so that autocomplete lists open as they would for a person."""
        self._note("type", locator)
        locator.press_sequentially(text, delay=20)
        self.typed += 1

    def log_in(self, email: str, password: str = DEMO_PASSWORD) -> None:
        page = self.page
        self.goto("/account/inloggen/")
        self.fill(page.get_by_label("E-mailadres"), email)
        self.fill(page.get_by_label("Wachtwoord"), password)
        self.click(page.get_by_role("button", name="Inloggen"))
        page.wait_for_load_state()

    def shot(self, name: str) -> None:
        if self.screenshots is None:
            return
        self.screenshots.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(
            path=str(self.screenshots / f"{self.prefix}-{self.role}-{name}.png"), full_page=True
        )

    def counts(self) -> dict:
        return {
            "role": self.role,
            "clicks": self.clicks,
            "typed": self.typed,
            "addresses": self.addresses,
            "loads": self.loads,
            "steps": self.steps,
        }


# --- The tasks, on the pages of the tree before issue 13 ----------------------------------

QUESTION = "grensoverschrijdende samenwerking met een Duitse stad voor economie en onderwijs"


def before_weert(walk: Walk, **_) -> None:
    """Looks for who already solved something, and asks Enschede for an introduction."""
    page = walk.page
    walk.log_in(USERS["weert"])
    walk.shot("1-login")
    walk.click(page.get_by_role("navigation").get_by_role("link", name="Hulp zoeken"))
    walk.fill(page.get_by_label("Waar zoekt u naar?"), QUESTION)
    walk.click(page.get_by_role("main").get_by_role("button", name="Hulp zoeken"))
    page.get_by_role("link", name="Enschede", exact=True).first.wait_for()
    walk.shot("2-suggestions")
    # The suggestions have no introduction button; the question must be saved first.
    walk.click(page.get_by_role("link", name="Deze vraag bewaren en om introducties vragen"))
    walk.fill(page.get_by_label("Titel"), "Samenwerken met een Duitse stad")
    walk.click(page.get_by_role("button", name="Opslaan"))
    page.get_by_text("Uw vraag is opgeslagen.").wait_for()
    walk.click(
        page.get_by_role("link", name=re.compile(r"^Vraag om een introductie\s+bij Enschede$"))
    )
    walk.fill(
        page.get_by_label("Uw bericht"), "Wij willen leren van uw samenwerking met Duitse buren."
    )
    walk.click(page.get_by_role("button", name="Het verzoek versturen"))
    page.get_by_text("Uw verzoek is verstuurd aan Enschede.").wait_for()
    walk.shot("3-done")


def before_enschede(walk: Walk, **_) -> None:
    """Answers the introduction waiting for her, then records the exchange it led to."""
    page = walk.page
    walk.log_in(USERS["enschede"])
    walk.shot("1-waiting")
    walk.click(page.get_by_role("link", name=re.compile(r"^Beantwoorden")).first)
    walk.check(page.get_by_label("Ja, breng ons in contact"))
    walk.click(page.get_by_role("button", name="Het antwoord versturen"))
    page.get_by_role("heading", name="Contactgegevens").wait_for()
    walk.shot("2-accepted")
    walk.click(page.get_by_role("link", name="De uitwisseling vastleggen in het grootboek"))
    walk.shot("3-exchange-form")
    # Nothing is prefilled from the introduction: title, date and the other party by hand.
    walk.fill(
        page.get_by_label("Titel"), "Kennismaking met Weert over samenwerking met Duitse buren"
    )
    walk.fill(page.get_by_label("Begindatum"), "2026-12-01")
    walk.type(page.get_by_label("Met:"), "Weert")
    walk.click(page.get_by_role("option", name=re.compile(r"^Weert\s+gemeente")))
    walk.click(page.get_by_role("button", name=re.compile("vastleggen|Opslaan", re.I)))
    page.wait_for_load_state()
    page.get_by_text("Weert").first.wait_for()
    walk.shot("4-done")


def before_facilitator(walk: Walk, **_) -> None:
    """Sees the monitor's waves and their response, then the system status."""
    page = walk.page
    walk.log_in(USERS["facilitator"])
    walk.shot("1-mine")
    walk.click(
        page.get_by_role("main").get_by_role("link", name=re.compile(r"^Monitor .*\(demo\)$"))
    )
    page.get_by_text("Respons per grootteklasse").first.wait_for()
    walk.shot("2-wave")
    walk.click(page.get_by_role("link", name="Systeemstatus"))
    page.wait_for_load_state()
    walk.shot("3-status")


def before_secretary(walk: Walk, code: str = "", **_) -> None:
    """Opens the monitor with the code from the letter and answers it (a municipality
    without international policy: the shortest complete questionnaire)."""
    page = walk.page
    walk.goto("/monitor/gib-demo/")  # the address printed in the letter
    walk.shot("1-code")
    walk.fill(page.get_by_label("Toegangscode"), code)
    walk.click(page.get_by_role("button", name="Vragenlijst openen"))
    walk.check(page.get_by_label(re.compile("^Overige")))
    walk.click(page.get_by_role("button", name="Opslaan en verder"))
    walk.check(page.get_by_label("Nee", exact=True))
    walk.check(page.get_by_label("Geen prioriteit"))
    walk.click(page.get_by_role("button", name="Opslaan en verder"))
    walk.shot("2-review")
    walk.click(page.get_by_role("button", name="De antwoorden indienen"))
    page.wait_for_url("**/klaar/")
    walk.shot("3-done")


def before_opsterland(walk: Walk, **_) -> None:
    """Finds his municipality's lesson, then reads a partnership's council note."""
    page = walk.page
    walk.log_in(USERS["opsterland"])
    walk.shot("1-mine")
    walk.click(page.get_by_role("link", name=re.compile("^Opsterland zocht Europese samenwerking")))
    page.get_by_role("heading", name=re.compile("^Waarom het niet lukte")).wait_for()
    walk.shot("2-lesson")
    walk.click(page.get_by_role("main").get_by_role("link", name="Opsterland", exact=True))
    walk.click(page.get_by_role("link", name=re.compile("^Opsterland – UN-Habitat")))
    walk.click(page.get_by_role("link", name="Raadsinformatiebrief"))
    # The period has no default: without it the letter is not shown.
    walk.fill(page.get_by_label("Van"), "2020-01-01")
    walk.fill(page.get_by_label("Tot en met"), "2026-12-31")
    walk.click(page.get_by_role("button", name="Brief tonen"))
    page.wait_for_load_state()
    walk.shot("3-council-note")


def before_english(walk: Walk, **_) -> None:
    """Switches to English, searches practices in English and reads one."""
    page = walk.page
    walk.goto("/")
    walk.click(page.get_by_role("button", name="English"))
    page.wait_for_function("document.documentElement.lang === 'en'")
    walk.shot("1-home-en")
    # The home page only searches municipalities; practices are in the menu.
    walk.click(page.get_by_role("navigation").get_by_role("link", name="Practices"))
    walk.fill(page.get_by_role("searchbox").first, "waste collection")
    walk.click(page.get_by_role("main").get_by_role("button", name="Search").first)
    page.wait_for_load_state()
    walk.shot("2-results")
    # Titles are Dutch (the content is); the English words find Meppel's and Zeist's waste
    # partnerships with Al Hoceima and Berkane.
    walk.click(page.get_by_role("link", name=re.compile("Al Hoceima|Berkane")).first)
    page.wait_for_load_state()
    walk.shot("3-practice")


BEFORE = {
    "weert": before_weert,
    "enschede": before_enschede,
    "facilitator": before_facilitator,
    "secretary": before_secretary,
    "opsterland": before_opsterland,
    "english": before_english,
}


def after_walkthroughs() -> dict:
    """The browser tests' walkthroughs; their module needs Django's settings (not a database)."""
    import os

    import django

    root = Path(__file__).resolve().parents[1]
    sys.path[:0] = [str(root), str(root / "src")]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    django.setup()
    from tests.test_walkthroughs_browser import AFTER

    return AFTER


def launch(playwright):
    return playwright.chromium.launch(
        executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8077")
    parser.add_argument("--code", default="", help="the demo wave's access code (seed prints it)")
    parser.add_argument(
        "--tree",
        choices=["before", "after"],
        default="before",
        help="before: the walkthroughs above; after: the browser tests' walkthroughs of the "
        "current tree (tests/test_walkthroughs_browser.py), against a server of it",
    )
    parser.add_argument("--role", action="append", choices=list(BEFORE), help="default: all")
    parser.add_argument("--screenshots", type=Path, default=None)
    parser.add_argument("--prefix", default="walk-before")
    parser.add_argument("--json", type=Path, default=None, help="write the counts here")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    walkthroughs = BEFORE
    data = {"code": args.code}
    if args.tree == "after":
        walkthroughs = after_walkthroughs()
        # What the policy officer's walkthrough asks for is what the coordinator answers.
        data.update(subject="Duitse stad", wave_title="(demo)")
    results = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        for role in args.role or list(walkthroughs):
            context = browser.new_context(viewport={"width": 1366, "height": 900})
            page = context.new_page()
            page.set_default_timeout(15_000)
            walk = Walk(page, args.base_url, role, args.screenshots, args.prefix)
            walkthroughs[role](walk, **data)
            if args.screenshots is not None:
                page.set_viewport_size({"width": 390, "height": 844})
                walk.shot("390")
            context.close()
            counts = walk.counts()
            results.append(counts)
            print(
                f"{role:12} clicks {counts['clicks']:2}  typed {counts['typed']:2}  "
                f"addresses {counts['addresses']}  loads {counts['loads']:2}"
            )
            for step in counts["steps"]:
                print(f"    {step}")
        browser.close()
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
