"""Progress through an instrument in blocks (pages), steady under routing.

Plain Python; no Django. Counting questions made progress jump ("0 of 2" → "2 of 29"
→ "37 of 38") because routing opens and closes questions as answers come in. Here
progress counts *blocks of the whole instrument*, every one of them always listed:

* a block before the respondent's position is ``done`` (or ``incomplete`` when a
  required, asked question in it has no answer), or ``skipped`` when routing passes it by;
* the current block is ``current``;
* a block after the position is ``todo`` when it applies or *may* still apply (its
  condition looks at a question that has no answer yet and lies on the current page or
  later), and ``skipped`` once its condition is false and settled (every question it
  looks at has an answer, or lies before the current page).

``step`` is the current block's number among the blocks that are not skipped, and
``total`` the number of those: an upper bound while blocks may still fall away
(``approximate``), exact otherwise. Answering forwards, ``step`` grows by exactly one
per page and ``total`` only shrinks (a block that may apply is counted until it is
settled), so ``percent`` = the share of the blocks before this one, never goes down.
On the review page (``current=None``) every block lies behind: ``step == total``,
100 %.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .model import Block, Instrument, has_answer

DONE, INCOMPLETE, CURRENT, TODO, SKIPPED = "done", "incomplete", "current", "todo", "skipped"


@dataclass(frozen=True)
class BlockStep:
    block: Block
    state: str  # one of DONE, INCOMPLETE, CURRENT, TODO, SKIPPED
    number: int | None  # its step number; None when skipped

    @property
    def skipped(self) -> bool:
        return self.state == SKIPPED


@dataclass(frozen=True)
class Progress:
    steps: tuple[BlockStep, ...]  # every block of the instrument, in order
    step: int  # the current block's number (on review: == total)
    total: int  # blocks not skipped (an upper bound when approximate)
    approximate: bool  # a later block may still fall away
    percent: int  # share of the counted blocks that lie behind the respondent
    reviewing: bool  # current=None: the review page


def referenced(condition: Any) -> set[str]:
    """The question codes a condition looks at."""
    if not isinstance(condition, Mapping):
        return set()
    found = {condition["question"]} if "question" in condition else set()
    for key in ("all", "any"):
        for part in condition.get(key, ()):
            found |= referenced(part)
    if "not" in condition:
        found |= referenced(condition["not"])
    return found


def block_progress(
    instrument: Instrument, answers: Mapping[str, Any], current: str | None
) -> Progress:
    """The state of every block with the respondent on block ``current`` (a block code;
    ``None``: the review page after the last block)."""
    blocks = instrument.blocks
    codes = [block.code for block in blocks]
    position = codes.index(current) if current is not None else len(blocks)
    block_of = {q.code: i for i, block in enumerate(blocks) for q in block.questions}
    visible = {block.code for block in instrument.visible_blocks(answers)}
    missing = {
        q.code
        for q in instrument.asked(answers)
        if q.required and not has_answer(answers.get(q.code))
    }

    def settled(block: Block) -> bool:
        return all(
            has_answer(answers.get(code)) or block_of[code] < position
            for code in referenced(block.when)
        )

    steps = []
    number = 0
    approximate = False
    for i, block in enumerate(blocks):
        if i == position:
            state = CURRENT
        elif i < position:
            if block.code not in visible:
                state = SKIPPED
            elif any(q.code in missing for q in block.questions):
                state = INCOMPLETE
            else:
                state = DONE
        elif block.code not in visible and settled(block):
            state = SKIPPED
        else:
            state = TODO
            approximate = approximate or not settled(block)
        if state != SKIPPED:
            number += 1
        steps.append(BlockStep(block, state, number if state != SKIPPED else None))
    total = number
    if current is None:
        step, percent = total, 100
    else:
        step = next(s.number for s in steps if s.state == CURRENT)
        percent = round(100 * (step - 1) / total) if total else 0
    return Progress(tuple(steps), step, total, approximate, percent, current is None)
