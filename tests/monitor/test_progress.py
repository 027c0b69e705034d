"""Progress that does not jump (issue 14, item 6): counted in blocks of the whole
instrument, every block always listed, skipped blocks marked, never going backwards."""

import datetime

import pytest
from django.urls import reverse

from kennisschakel.engines.survey import load_instrument
from kennisschakel.engines.survey.steps import SKIPPED, TODO, block_progress
from tests.engines.survey.builders import block, instrument, opts, q


def routed():
    """start → kind (ja/nee) → [ja_blok when ja] → [nee_blok when nee] → regio (multiple)
    → [noord when regio includes noord] → [zuid when regio includes zuid] → slot."""
    return load_instrument(
        instrument(
            block("start", q("naam", "text")),
            block("kind", q("kind", required=True)),
            block("ja_blok", q("ja_vraag", required=True),
                  when={"question": "kind", "equals": "ja"}),
            block("nee_blok", q("nee_vraag"), when={"question": "kind", "equals": "nee"}),
            block("regio", q("regio", "multiple", options=opts("noord", "zuid", "oost"))),
            block("noord", q("noord_vraag"), when={"question": "regio", "includes": "noord"}),
            block("zuid", q("zuid_vraag"), when={"question": "regio", "includes": "zuid"}),
            block("slot", q("slot_vraag", "scale")),
        )
    )  # fmt: skip


def walk(instr, script):
    """Answer forwards page by page like a respondent (each page's answers given while
    on it, one at a time as autosave does), recording what the page shows after every
    save and on arrival; ends on the review page."""
    answers = {}
    shown = []
    current = instr.visible_blocks(answers)[0].code
    while current is not None:
        shown.append(block_progress(instr, answers, current))
        for code, value in script.get(current, {}).items():
            answers[code] = value
            shown.append(block_progress(instr, answers, current))
        codes = [b.code for b in instr.visible_blocks(answers)]
        after = codes.index(current) + 1
        current = codes[after] if after < len(codes) else None
    shown.append(block_progress(instr, answers, None))
    return shown


RUNS = {
    "ja, noord and zuid open": {
        "kind": {"kind": "ja"},
        "ja_blok": {"ja_vraag": "nee"},
        "regio": {"regio": ["noord", "zuid"]},
        "slot": {"slot_vraag": 3},
    },
    "nee, only oost: noord and zuid close": {
        "kind": {"kind": "nee"},
        "regio": {"regio": ["oost"]},
    },
    "nothing optional answered": {"kind": {"kind": "ja"}, "ja_blok": {"ja_vraag": "ja"}},
}


@pytest.mark.parametrize("script", RUNS.values(), ids=RUNS.keys())
def test_progress_never_decreases_and_moves_one_block_at_a_time(script):
    instr = routed()
    shown = walk(instr, script)
    for before, after in zip(shown, shown[1:], strict=False):
        # Every block of the instrument is always listed (the list never grows).
        assert len(after.steps) == len(instr.blocks) == 8
        assert after.percent >= before.percent, (before, after)
        assert after.step - before.step in (0, 1)  # never more than one block at once
        assert after.total <= before.total  # a block counted as "may apply" only falls away
    assert shown[0].step == 1 and shown[0].percent == 0
    assert shown[-1].reviewing and shown[-1].percent == 100 and shown[-1].step == shown[-1].total


def test_skipped_blocks_are_marked_and_may_apply_blocks_are_counted():
    instr = routed()
    # On "kind", nothing answered yet: ja_blok and nee_blok may both still apply.
    first = block_progress(instr, {}, "kind")
    states = {s.block.code: s.state for s in first.steps}
    assert states["ja_blok"] == states["nee_blok"] == TODO
    assert first.approximate and (first.step, first.total) == (2, 8)
    # Answered "nee": ja_blok is settled and falls away; the regions still may apply.
    answered = block_progress(instr, {"kind": "nee"}, "kind")
    states = {s.block.code: s.state for s in answered.steps}
    assert states["ja_blok"] == SKIPPED and states["nee_blok"] == TODO
    assert answered.total == 7 and answered.approximate
    # On the review page every block is settled and numbered without the skipped ones.
    review = block_progress(instr, {"kind": "nee", "regio": ["oost"]}, None)
    assert [s.state for s in review.steps] == [
        "done", "done", "skipped", "done", "done", "skipped", "skipped", "done",
    ]  # fmt: skip
    assert [s.number for s in review.steps if not s.skipped] == [1, 2, 3, 4, 5]
    assert not review.approximate and review.total == 5


def test_a_block_with_a_missing_required_answer_is_incomplete():
    instr = routed()
    progress = block_progress(instr, {"kind": "ja"}, "regio")
    assert {s.block.code: s.state for s in progress.steps}["ja_blok"] == "incomplete"


# --------------------------------------------------------------------------- the pages


@pytest.mark.django_db
def test_answering_the_demo_instrument_shows_steady_progress(client):
    """The real GIB instrument through the pages: policy yes, two regions of partners.
    The shown percentage never decreases, the step moves by one per page, and the step
    list always has all 12 blocks (skipped ones marked 'niet van toepassing')."""
    from kennisschakel.monitor import services
    from kennisschakel.monitor.models import Instrument, Invitation
    from kennisschakel.register.models import SizeScheme

    today = datetime.date.today()
    wave = services.create_wave(
        {"slug": "gib-voortgang", "instrument": Instrument.objects.get(slug="gib"),
         "title": "GIB voortgang", "period": "test",
         "reference_date": today.replace(month=1, day=1),
         "size_scheme": SizeScheme.objects.get(slug="gib2009"),
         "opens_on": today - datetime.timedelta(days=1),
         "closes_on": today + datetime.timedelta(days=9)}
    )  # fmt: skip
    code = services.issue_code(wave.invitations.get(cbs_code="GM0153"))
    client.post(reverse("monitor:answer-start", args=[wave.slug]), {"code": code})
    answers = {
        "invuller": {"functie_invuller": "overige"},
        "beleid": {"heeft_beleid": "ja", "activiteiten": ["stedenband"]},
        "samenwerking": {"regios_partners": ["west_europa", "het_zuiden"]},
    }
    seen = []
    url = reverse("monitor:answer-block", args=[wave.slug, "invuller"])
    for _page in range(20):
        page = client.get(url)
        assert page.status_code == 200
        progress = page.context["progress"]
        body = page.content.decode()
        assert len(progress.steps) == 12
        assert body.count('class="survey-step') == 12
        seen.append((progress.step, progress.percent))
        block = page.context["page"].code
        response = client.post(url, answers.get(block, {}))
        assert response.status_code == 302
        url = response.url
        if url.endswith("/overzicht/"):
            break
    review = client.get(url)
    assert review.context["progress"].percent == 100
    assert "niet van toepassing" in review.content.decode()
    steps = [step for step, _percent in seen]
    percents = [percent for _step, percent in seen]
    assert steps == list(range(1, len(steps) + 1))  # one block at a time
    assert percents == sorted(percents)  # never down
    # West Europe and the South opened, the other two regions were passed by.
    assert len(steps) == 12 - 2
    invitation = Invitation.objects.get(wave=wave, cbs_code="GM0153")
    assert invitation.answers["heeft_beleid"] == "ja"
