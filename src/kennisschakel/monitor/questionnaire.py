"""Presentation of an instrument's questions for the answering pages (language, values, errors).

The engine (:mod:`kennisschakel.engines.survey`) knows the questions and the routing; this module
turns them into plain dictionaries that the templates render as accessible form fields.
"""

import json
from dataclasses import dataclass, field

from kennisschakel.core.i18n import current_language
from kennisschakel.engines import survey


def text(obj, name: str) -> str:
    """The English text when English is chosen and present, else the Dutch one."""
    if current_language() == "en":
        english = getattr(obj, f"{name}_en", None)
        if english:
            return english
    return getattr(obj, f"{name}_nl", None) or ""


@dataclass
class FieldView:
    question: survey.Question
    value: object = None
    error: str = ""
    conditional: bool = False  # depends on an answer on the same page
    choices: list = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.question.code

    @property
    def type(self) -> str:
        return self.question.type

    @property
    def label(self) -> str:
        return text(self.question, "text")

    @property
    def help(self) -> str:
        return text(self.question, "help")

    @property
    def unit(self) -> str:
        return text(self.question, "unit")

    @property
    def when_json(self) -> str:
        return json.dumps(self.question.when) if self.question.when else ""

    @property
    def is_choice_list(self) -> bool:
        return self.type in ("single", "band", "multiple", "top2", "scale")

    @property
    def input_type(self) -> str:
        return "checkbox" if self.type in ("multiple", "top2") else "radio"

    @property
    def text_value(self) -> str:
        if self.value is None:
            return ""
        if isinstance(self.value, float) and self.value.is_integer():
            return str(int(self.value))
        return str(self.value)


def _choices(question: survey.Question, value) -> list[dict]:
    selected = (
        set(value) if isinstance(value, list) else {str(value)} if value is not None else set()
    )
    if question.type == "scale":
        return [
            {
                "value": str(point),
                "label": _scale_label(question, point),
                "checked": str(point) in selected,
            }
            for point in range(question.scale_min, question.scale_max + 1)
        ]
    return [
        {
            "value": option.code,
            "label": text(option, "label"),
            "checked": option.code in selected,
            "exclusive": option.exclusive,
        }
        for option in question.options
    ]


def _scale_label(question: survey.Question, point: int) -> str:
    labels = question.scale_labels.get(point)
    if not labels:
        return str(point)
    wording = labels.get("en") if current_language() == "en" else None
    return f"{point} – {wording or labels.get('nl') or ''}".rstrip(" –")


def block_fields(instrument: survey.Instrument, block: survey.Block, invitation) -> list[FieldView]:
    """The questions of one page that are (or may become) asked, with saved or typed values."""
    answers = invitation.answers
    on_page = {q.code for q in block.questions}
    views = []
    for question in block.questions:
        depends_on_page = bool(question.when) and bool(_referenced(question.when) & on_page)
        if not instrument.is_asked(question, answers) and not depends_on_page:
            continue
        typed = invitation.invalid_input.get(question.code)
        value = typed if typed is not None else answers.get(question.code)
        views.append(
            FieldView(
                question,
                value=value,
                conditional=depends_on_page,
                choices=_choices(question, value) if question.type != "text" else [],
            )
        )
    return views


def _referenced(condition) -> set[str]:
    if isinstance(condition, dict):
        found = {condition["question"]} if "question" in condition else set()
        for key in ("all", "any"):
            for part in condition.get(key, []):
                found |= _referenced(part)
        if "not" in condition:
            found |= _referenced(condition["not"])
        return found
    return set()


def raw_from_post(block: survey.Block, post) -> dict:
    """What the page sent for each of its questions ('' or [] when nothing was given)."""
    raw = {}
    for question in block.questions:
        if question.type in ("multiple", "top2"):
            raw[question.code] = post.getlist(question.code)
        elif question.code in post:
            raw[question.code] = post.get(question.code, "")
        else:
            raw[question.code] = ""
    return raw


def answer_label(question: survey.Question, value) -> str:
    """An answer as the respondent reads it on the review page."""
    if value is None or value == "" or value == []:
        return ""
    if question.type in ("single", "band"):
        try:
            return text(question.option(value), "label")
        except KeyError:
            return str(value)
    if question.type in ("multiple", "top2"):
        labels = []
        for code in value:
            try:
                labels.append(text(question.option(code), "label"))
            except KeyError:
                labels.append(str(code))
        return "; ".join(labels)
    if question.type == "number" and text(question, "unit"):
        return f"{FieldView(question, value).text_value} {text(question, 'unit')}"
    return FieldView(question, value).text_value


def progress_view(instrument: survey.Instrument, answers, current: str | None, link=None) -> dict:
    """The progress indicator's context: every block of the instrument with its state
    (see :mod:`kennisschakel.engines.survey.steps`) and a link where the page can be opened now.

    ``link(block_code)`` gives a block's URL (``None``: no links, as in the preview,
    whose answers live only in the form)."""
    from django.utils.translation import gettext as _

    from kennisschakel.engines.survey.steps import block_progress

    progress = block_progress(instrument, answers, current)
    visible = {b.code for b in instrument.visible_blocks(answers)}
    notes = {
        "done": _("done"),
        "incomplete": _("not complete yet"),
        "current": _("this page"),
        "todo": "",
        "skipped": _("not applicable"),
    }
    steps = []
    for step in progress.steps:
        note = notes[step.state]
        if step.state == "todo" and step.block.code not in visible:
            note = _("depends on your answers")
        steps.append(
            {
                "code": step.block.code,
                "title": text(step.block, "title"),
                "state": step.state,
                "number": step.number,
                "note": note,
                "current": step.state == "current",
                "url": link(step.block.code)
                if link and step.block.code in visible and step.state != "skipped"
                else "",
            }
        )
    if progress.reviewing:
        label = _("All pages seen: check and submit")
    elif progress.approximate:
        label = _("Step %(step)s of about %(total)s") % {
            "step": progress.step,
            "total": progress.total,
        }
    else:
        label = _("Step %(step)s of %(total)s") % {"step": progress.step, "total": progress.total}
    return {
        "progress": progress,
        "steps": steps,
        "progress_label": label,
        "percent_label": ""
        if progress.reviewing
        else _("about %(percent)s%% done") % {"percent": progress.percent},
    }
