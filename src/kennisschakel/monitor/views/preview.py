"""The facilitator's preview of a wave's questionnaire (issue 14, item 5).

Two pages, for whoever may run waves (``rules.may_run_waves``, as the wave detail's
running part):

* ``wave_preview``: every block and every question in order, numbered as on paper, with
  answer type, required mark, options and each routing condition in words
  (``survey.wording``: "Alleen als vraag 3 = Ja");
* ``wave_preview_block``: click through the pages as a respondent would. The answers so
  far travel in the form itself (a hidden JSON field, re-checked on every request), so
  the preview writes nothing: no invitation, no code, no session key, no autosave.
"""

import json
from types import SimpleNamespace

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kennisschakel.core.i18n import current_language
from kennisschakel.core.middleware import bad_request_response
from kennisschakel.engines import survey
from kennisschakel.engines.survey.wording import only_if, question_number
from kennisschakel.monitor import services
from kennisschakel.monitor.models import Wave
from kennisschakel.monitor.questionnaire import (
    answer_label,
    block_fields,
    progress_view,
    raw_from_post,
    text,
)
from kennisschakel.monitor.views.waves import _require_runner

CARRIED = "preview_answers"


def _wave(slug) -> Wave:
    return get_object_or_404(Wave.objects.select_related("instrument"), slug=slug)


def _kind(question: survey.Question) -> str:
    """The answer type in words."""
    kind = question.type
    if kind == "single":
        return _("one answer")
    if kind == "band":
        return _("one class")
    if kind == "multiple":
        return _("several answers possible")
    if kind == "top2":
        return _("at most %(max)s answers") % {"max": question.max_choices}
    if kind == "scale":
        return _("scale from %(min)s to %(max)s") % {
            "min": question.scale_min,
            "max": question.scale_max,
        }
    if kind == "number":
        words = (
            _("a number, at most %(n)s decimals") % {"n": question.decimals}
            if question.decimals
            else _("a whole number")
        )
        unit = text(question, "unit")
        if question.min is not None and question.max is not None:
            words += " " + _("from %(min)s to %(max)s") % {
                "min": _plain(question.min),
                "max": _plain(question.max),
            }
        return f"{words} ({unit})" if unit else words
    return _("open text, at most %(max)s characters") % {"max": question.max_length}


def _plain(number) -> str:
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    return str(number).replace(".", ",") if current_language() != "en" else str(number)


def _choices(question: survey.Question) -> list[str]:
    if question.type == "scale":
        labels = []
        for point, wording in question.scale_labels.items():
            label = (wording.get("en") if current_language() == "en" else None) or wording["nl"]
            labels.append(f"{point} – {label}")
        return labels
    return [
        text(option, "label") + (" (" + _("only this answer") + ")" if option.exclusive else "")
        for option in question.options
    ]


@login_required
def wave_preview(request, slug):
    """Every block and question in order, with routing in words."""
    _require_runner(request)
    wave = _wave(slug)
    instrument = wave.instrument.engine()
    lang = "en" if current_language() == "en" else "nl"
    blocks = [
        {
            "code": block.code,
            "title": text(block, "title"),
            "intro": text(block, "intro"),
            "condition": only_if(instrument, block.when, lang),
            "questions": [
                {
                    "number": question_number(q),
                    "code": q.code,
                    "text": text(q, "text"),
                    "help": text(q, "help"),
                    "kind": _kind(q),
                    "required": q.required,
                    "choices": _choices(q),
                    "condition": only_if(instrument, q.when, lang),
                }
                for q in block.questions
            ],
        }
        for block in instrument.blocks
    ]
    return render(
        request,
        "monitor/preview.html",
        {
            "wave": wave,
            "blocks": blocks,
            "question_count": len(instrument.questions),
            "first_url": reverse(
                "monitor:wave-preview-block", args=[wave.slug, instrument.blocks[0].code]
            ),
        },
    )


class _Malformed(ValueError):
    pass


def _carried(instrument: survey.Instrument, raw: str) -> dict:
    """The answers given on earlier preview pages, as the form brought them back. Each is
    checked again as a respondent's answer would be; one that is not valid is dropped."""
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except ValueError as error:
        raise _Malformed from error
    if not isinstance(data, dict):
        raise _Malformed
    answers = {}
    for code, value in data.items():
        try:
            question = instrument.question(code)
            value = survey.normalise(question, value)
        except (KeyError, TypeError, survey.AnswerError):
            continue
        if survey.has_answer(value):
            answers[code] = value
    return answers


@login_required
def wave_preview_block(request, slug, block):  # noqa: C901  (one page: show, check, move on)
    """One page of the questionnaire as the respondent sees it; nothing is saved. A POST
    is answered with the next (or previous) page itself: a redirect would lose the
    answers, which live only in the form."""
    _require_runner(request)
    wave = _wave(slug)
    instrument = wave.instrument.engine()
    page = next((b for b in instrument.blocks if b.code == block), None)
    if page is None:
        raise Http404(_("This questionnaire has no page '%(page)s'.") % {"page": block})
    answers, invalid, errors = {}, {}, {}
    if request.method == "POST":
        try:
            answers = _carried(instrument, request.POST.get(CARRIED, ""))
        except _Malformed:
            return bad_request_response(request, _("The answers of the preview could not be read."))
        for code, raw in raw_from_post(page, request.POST).items():
            question = instrument.question(code)
            answers.pop(code, None)
            try:
                value = survey.normalise(question, raw)
            except survey.AnswerError as error:
                if error.code == "required":
                    continue  # as when answering: a page may be left with blanks
                errors[code] = services.answer_message(error)
                invalid[code] = raw
                continue
            except TypeError:
                errors[code] = _("This kind of value cannot be an answer.")
                continue
            if survey.has_answer(value):
                answers[code] = value
        if not errors:
            order = {b.code: i for i, b in enumerate(instrument.blocks)}
            here = order[page.code]
            visible = instrument.visible_blocks(answers)
            before = [b for b in visible if order[b.code] < here]
            after = [b for b in visible if order[b.code] > here]
            if "previous" in request.POST:
                page = before[-1] if before else page
            elif after:
                page = after[0]
            else:
                return _preview_review(request, wave, instrument, answers)
    return _preview_page(request, wave, instrument, page, answers, invalid, errors)


def _preview_page(request, wave, instrument, page, answers, invalid, errors):
    holder = SimpleNamespace(answers=answers, invalid_input=invalid)
    fields = block_fields(instrument, page, holder)
    for view in fields:
        view.error = errors.get(view.code, "")
    order = [b.code for b in instrument.blocks]
    earlier = [
        b
        for b in instrument.visible_blocks(answers)
        if order.index(b.code) < order.index(page.code)
    ]
    return render(
        request,
        "monitor/preview_block.html",
        {
            "wave": wave,
            "page": page,
            "page_title": text(page, "title"),
            "page_intro": text(page, "intro"),
            "fields": fields,
            "errors": errors,
            "preview": True,
            "has_previous": bool(earlier),
            "carried": json.dumps(answers, ensure_ascii=False),
            "saved_answers": answers,
            **progress_view(instrument, answers, page.code),
        },
        status=400 if errors else 200,
    )


def _preview_review(request, wave, instrument, answers):
    missing = set(survey.missing_required(instrument, answers))
    pages = [
        {
            "title": text(page, "title"),
            "rows": [
                {
                    "number": question_number(q),
                    "question": text(q, "text"),
                    "answer": answer_label(q, answers.get(q.code)),
                    "missing": q.code in missing,
                }
                for q in page.questions
                if instrument.is_asked(q, answers)
            ],
        }
        for page in instrument.visible_blocks(answers)
    ]
    return render(
        request,
        "monitor/preview_review.html",
        {
            "wave": wave,
            "pages": pages,
            "missing_count": len(missing),
            "preview": True,
            "first_url": reverse(
                "monitor:wave-preview-block", args=[wave.slug, instrument.blocks[0].code]
            ),
            **progress_view(instrument, answers, None),
        },
    )
