"""The questionnaire for the code holder: enter the code, answer page by page, review, submit.

Every answer is saved as it is given: with JavaScript on every change (``autosave``),
without it when a page is sent. The session holds which invitation the code opened;
answering stops when the wave closes. After that the same code (or session) opens the
municipality's own results, "where do we stand", read-only, for
MONITOR_RESULTS_ACCESS_DAYS (see ``services.code_phase``).
"""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kennisschakel.core.clientip import client_ip
from kennisschakel.engines import survey
from kennisschakel.monitor import schedule, services
from kennisschakel.monitor.forms import CodeForm, ForwardForm, SubmitForm
from kennisschakel.monitor.models import Invitation, Wave
from kennisschakel.monitor.questionnaire import (
    answer_label,
    block_fields,
    progress_view,
    raw_from_post,
    text,
)


def session_key(wave: Wave) -> str:
    return f"monitor:{wave.pk}"


def _current(request, wave: Wave) -> Invitation | None:
    """The invitation this session's code opened, while the wave can be answered."""
    invitation_id = request.session.get(session_key(wave))
    if invitation_id is None:
        return None
    if not wave.is_answerable():
        return None  # the session key stays: after closing it shows "where do we stand"
    return (
        Invitation.objects.select_related("wave__instrument")
        .filter(pk=invitation_id, wave=wave)
        .first()
    )


def _wave(slug) -> Wave:
    return get_object_or_404(Wave.objects.select_related("instrument"), slug=slug)


def _progress_context(instrument, invitation, current_block=None) -> dict:
    """Progress in blocks of the whole instrument (steady under routing; issue 14)."""
    slug = invitation.wave.slug
    return {
        **progress_view(
            instrument,
            invitation.answers,
            current_block,
            link=lambda code: reverse("monitor:answer-block", args=[slug, code]),
        ),
        "review_url": reverse("monitor:answer-review", args=[slug]),
    }


def start(request, slug):
    """Enter the code. While the wave is open it opens the questionnaire; after closing it
    opens the municipality's own results; the page says which."""
    wave = _wave(slug)
    schedule.announce_status(wave)  # the first visit after a date tells the invited (once)
    phase = services.code_phase(wave)
    invitation = _current(request, wave)
    if invitation is not None:
        return redirect(_first_open_block_url(wave, invitation))
    if phase == "results" and request.session.get(session_key(wave)):
        return redirect("monitor:where-we-stand", slug=wave.slug)
    form = CodeForm(request.POST or None)
    status = 200
    retry_after = None
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.check_code(wave, form.cleaned_data["code"], client_ip(request))
        except services.CodeRejected as rejected:
            status = {"locked": 429, "wave_locked": 429, "closed": 403}.get(rejected.reason, 400)
            retry_after = rejected.retry_after
            form.add_error("code", _code_message(rejected.reason, wave))
        else:
            request.session.cycle_key()
            request.session[session_key(wave)] = invitation.pk
            if phase == "results":
                return redirect("monitor:where-we-stand", slug=wave.slug)
            return redirect(_first_open_block_url(wave, invitation))
    elif request.method == "POST":
        status = 400
    response = render(
        request,
        "monitor/answer_start.html",
        {"wave": wave, "form": form, "phase": phase, "closed": phase != "answer",
         "results_until": wave.results_open_until()},
        status=status,
    )  # fmt: skip
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def open_link(request, slug, code):
    """The personal link of a letter (its QR code) or email: opening it is typing its
    code, with the same check and lock-out (``services.check_code``). It starts a session
    and redirects to an address without the code, so the code leaves the address bar and
    the history; the link works again later (a new session), and after closing it opens
    "where do we stand". A refused link shows the start page with the reason, the code in
    its field; typing another code there posts to :func:`start`."""
    if request.method == "POST":
        return start(request, slug)
    wave = _wave(slug)
    phase = services.code_phase(wave)
    try:
        invitation = services.check_code(wave, code, client_ip(request))
    except services.CodeRejected as rejected:
        form = CodeForm({"code": code[:64]})
        form.is_valid()
        form.add_error("code", _code_message(rejected.reason, wave))
        status = {"locked": 429, "wave_locked": 429, "closed": 403}.get(rejected.reason, 400)
        response = render(
            request,
            "monitor/answer_start.html",
            {"wave": wave, "form": form, "phase": phase, "closed": phase != "answer",
             "results_until": wave.results_open_until()},
            status=status,
        )  # fmt: skip
        if rejected.retry_after:
            response["Retry-After"] = str(rejected.retry_after)
    else:
        request.session.cycle_key()
        request.session[session_key(wave)] = invitation.pk
        if phase == "results":
            response = redirect("monitor:where-we-stand", slug=wave.slug)
        else:
            response = redirect(_first_open_block_url(wave, invitation))
    # The address holds the code: no other site may see it as the referrer, and no
    # cache keeps the page.
    response["Referrer-Policy"] = "no-referrer"
    add_never_cache_headers(response)
    return response


def _code_message(reason: str, wave: Wave) -> str:
    if reason == "locked":
        return _(
            "Too many wrong codes were tried from this connection. Wait half an hour and "
            "try again, or ask the organiser for help."
        )
    if reason == "wave_locked":
        return _(
            "Many wrong codes have been tried for this questionnaire recently, and a wrong "
            "code was typed from this connection too. Wait half an hour and try again, or "
            "ask the organiser for help."
        )
    if reason == "closed" and wave.status == Wave.Status.CLOSED:
        return _(
            "This questionnaire closed on %(closed)s, and its results can no longer be "
            "opened with a code."
        ) % {"closed": date_format(wave.closing_day(), "j F Y")}
    if reason == "closed":
        return _("This questionnaire is not open yet: it opens on %(opens)s.") % {
            "opens": date_format(wave.opening_day(), "j F Y")
        }
    if reason == "revoked":
        return _(
            "This code is no longer valid: a newer letter or email has replaced it, or the "
            "organiser has withdrawn it. Use the link or code from the most recent letter or "
            "email, or ask the organiser for help."
        )
    return _(
        "This code does not open this questionnaire. Check the code in the letter or email; "
        "letters O and I may also be typed as 0 and 1."
    )


def _first_open_block_url(wave, invitation) -> str:
    instrument = wave.instrument.engine()
    if invitation.submitted_at:
        return reverse("monitor:answer-done", args=[wave.slug])
    blocks = instrument.visible_blocks(invitation.answers)
    for block in blocks:
        if any(
            instrument.is_asked(q, invitation.answers) and q.code not in invitation.answers
            for q in block.questions
        ):
            return reverse("monitor:answer-block", args=[wave.slug, block.code])
    return reverse("monitor:answer-review", args=[wave.slug])


def _need_invitation(request, wave):
    invitation = _current(request, wave)
    if invitation is None:
        messages.info(request, _("Enter your access code to continue."))
    return invitation


def block(request, slug, block):  # noqa: C901  (one page: show, save, move on)
    wave = _wave(slug)
    invitation = _need_invitation(request, wave)
    if invitation is None:
        return redirect("monitor:answer-start", slug=wave.slug)
    if invitation.submitted_at:
        return redirect("monitor:answer-done", slug=wave.slug)
    instrument = wave.instrument.engine()
    visible = instrument.visible_blocks(invitation.answers)
    codes = [b.code for b in visible]
    page = next((b for b in instrument.blocks if b.code == block), None)
    if page is None:
        raise Http404(_("This questionnaire has no page '%(page)s'.") % {"page": block})
    if page.code not in codes:
        # Skipped by the routing (an earlier answer changed): go to the next page that applies.
        return redirect(_first_open_block_url(wave, invitation))
    errors = {}
    if request.method == "POST":
        result = services.save_answers(invitation, raw_from_post(page, request.POST))
        errors = result.errors
        if not errors:
            visible = instrument.visible_blocks(invitation.answers)
            codes = [b.code for b in visible]
            position = codes.index(page.code) if page.code in codes else -1
            if "previous" in request.POST and position > 0:
                return redirect("monitor:answer-block", slug=wave.slug, block=codes[position - 1])
            if "stop" in request.POST:
                request.session.pop(session_key(wave), None)
                messages.success(
                    request,
                    _("Your answers have been saved. Come back with the same code to continue."),
                )
                return redirect("monitor:answer-leave", slug=wave.slug)
            if 0 <= position < len(codes) - 1:
                return redirect("monitor:answer-block", slug=wave.slug, block=codes[position + 1])
            return redirect("monitor:answer-review", slug=wave.slug)
    fields = block_fields(instrument, page, invitation)
    for view in fields:
        view.error = errors.get(view.code, "")
        if not view.error and view.code in invitation.invalid_input:
            view.error = _("This answer has not been saved: it is not valid.")
    position = codes.index(page.code)
    return render(
        request,
        "monitor/answer_block.html",
        {
            "wave": wave,
            "invitation": invitation,
            "page": page,
            "page_title": text(page, "title"),
            "page_intro": text(page, "intro"),
            "fields": fields,
            "errors": errors,
            "has_previous": position > 0,
            "saved_answers": invitation.answers,
            **_progress_context(instrument, invitation, page.code),
        },
        status=400 if errors else 200,
    )


@require_POST
def autosave(request, slug):
    """Save one or more answers as they are given (JavaScript); JSON in, JSON out."""
    wave = _wave(slug)
    invitation = _current(request, wave)
    if invitation is None:
        return JsonResponse(
            {"detail": _("Your session has ended; enter your code again.")}, status=403
        )
    if request.content_type == "application/json":
        try:
            raw = json.loads(request.body or b"{}")
        except ValueError:
            return JsonResponse({"detail": _("The answers could not be read.")}, status=400)
        if not isinstance(raw, dict):
            return JsonResponse({"detail": _("The answers could not be read.")}, status=400)
    else:
        raw = {
            key: (request.POST.getlist(key) if key.endswith("[]") else request.POST[key])
            for key in request.POST
            if key != "csrfmiddlewaretoken"
        }
        raw = {key.removesuffix("[]"): value for key, value in raw.items()}
    try:
        result = services.save_answers(invitation, raw)
    except ValidationError as error:
        return JsonResponse({"detail": " ".join(error.messages)}, status=409)
    instrument = wave.instrument.engine()
    answered, asked = survey.progress(instrument, invitation.answers)
    # The page the answers belong to, for the steady progress indicator (monitor.js).
    page = next((instrument.question(c).block for c in [*result.saved, *result.errors]), None)
    shown = _progress_context(instrument, invitation, page) if page else None
    return JsonResponse(
        {
            "saved": result.saved,
            "errors": result.errors,
            "answered": answered,
            "asked": asked,
            "progress": {
                "percent": shown["progress"].percent,
                "label": shown["progress_label"],
                "percent_label": shown["percent_label"],
                "steps": [
                    {"code": s["code"], "state": s["state"], "note": s["note"]}
                    for s in shown["steps"]
                ],
            }
            if shown
            else None,
            "saved_at": invitation.saved_at.isoformat(),
        },
        status=400 if result.errors else 200,
    )


def review(request, slug):
    wave = _wave(slug)
    invitation = _need_invitation(request, wave)
    if invitation is None:
        return redirect("monitor:answer-start", slug=wave.slug)
    if invitation.submitted_at:
        return redirect("monitor:answer-done", slug=wave.slug)
    instrument = wave.instrument.engine()
    # Bound on every POST, also an empty one: "no receipt" is a valid submission.
    form = SubmitForm(request.POST if request.method == "POST" else None)
    status = 200
    refused = ""
    if request.method == "POST" and form.is_valid():
        try:
            # Submitting twice (a double click, a second tab) lands on the same page.
            services.submit(invitation, form.cleaned_data["receipt_email"])
        except ValidationError as error:
            # Not ready (the button was disabled; sent without JavaScript's help or by
            # hand): the same review page with the reason and the links, not an error page.
            refused = " ".join(error.messages)
        else:
            return redirect("monitor:answer-done", slug=wave.slug)
    elif request.method == "POST":
        status = 400
    missing_questions = services.missing_answers(invitation)
    missing = {q.code for q in missing_questions}
    pages = []
    for page in instrument.visible_blocks(invitation.answers):
        rows = [
            {
                "code": q.code,
                "question": text(q, "text"),
                "answer": answer_label(q, invitation.answers.get(q.code)),
                "missing": q.code in missing,
                "invalid": q.code in invitation.invalid_input,
            }
            for q in page.questions
            if instrument.is_asked(q, invitation.answers)
        ]
        pages.append({"code": page.code, "title": text(page, "title"), "rows": rows})
    return render(
        request,
        "monitor/answer_review.html",
        {
            "wave": wave,
            "invitation": invitation,
            "pages": pages,
            "missing_count": len(missing),
            "invalid_count": len(invitation.invalid_input),
            # Each missing or invalid answer, linked to its question on its page.
            "refused": refused,
            "to_fix": _to_fix(wave, instrument, missing_questions, invitation.invalid_input),
            "form": form,
            **_progress_context(instrument, invitation),
        },
        status=status,
    )


def _to_fix(wave, instrument, missing, invalid) -> list[dict]:
    questions = [q for q in missing if q.code not in invalid]
    questions += [instrument.question(code) for code in invalid]
    blocks = {b.code: b for b in instrument.blocks}
    return [
        {
            "question": text(q, "text"),
            "page": text(blocks[q.block], "title"),
            "problem": _("not valid yet") if q.code in invalid else _("required, not answered"),
            "url": reverse("monitor:answer-block", args=[wave.slug, q.block]) + f"#q-{q.code}",
        }
        for q in sorted(questions, key=lambda q: q.index)
    ]


def forward(request, slug):
    wave = _wave(slug)
    invitation = _need_invitation(request, wave)
    if invitation is None:
        return redirect("monitor:answer-start", slug=wave.slug)
    form = ForwardForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.delegate(
                invitation,
                form.cleaned_data["email"],
                form.cleaned_data["note"],
                client=client_ip(request),
            )
        except services.ForwardRefused as refused:
            form.add_error(None, refused)
            status = 429
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(email)s has received a code of their own for this questionnaire.")
                % {"email": form.cleaned_data["email"]},
            )
            return redirect(_first_open_block_url(wave, invitation))
    if status == 200 and form.is_bound and form.errors:
        status = 400
    return render(
        request,
        "monitor/answer_forward.html",
        {"wave": wave, "invitation": invitation, "form": form},
        status=status,
    )


def done(request, slug):
    wave = _wave(slug)
    invitation_id = request.session.get(session_key(wave))
    invitation = Invitation.objects.filter(pk=invitation_id, wave=wave).first()
    if invitation is None or not invitation.submitted_at:
        return redirect("monitor:answer-start", slug=wave.slug)
    return render(request, "monitor/answer_done.html", {"wave": wave, "invitation": invitation})


def leave(request, slug):
    """Log out of the questionnaire: only by POST (a link or a prefetch must not end a
    session). GET shows the button while a session is open, or that it has ended."""
    wave = _wave(slug)
    if request.method == "POST":
        request.session.pop(session_key(wave), None)
        return redirect("monitor:answer-leave", slug=wave.slug)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "POST"])
    return render(
        request,
        "monitor/answer_leave.html",
        {"wave": wave, "signed_in": bool(request.session.get(session_key(wave)))},
    )
