"""The wave's codes per municipality, and the bulk actions with their confirmation.

Facilitators only (``rules.may_run_waves``, as the wave's management part). Every form
carries a signed stamp (when its page was opened, and a random form id): code changes
from a page opened before someone else's change are skipped (monitor/bulk/codes.py), a double
click lands in the same background job, a retry redoes its own change.
"""

import datetime
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from kennisschakel.monitor import bulk, rules
from kennisschakel.monitor.models import AccessCode, Invitation, Wave

PER_PAGE = 100
STAMP_SALT = "monitor.token-form"
#: A form's stamp is good for this long (a page left open overnight is reloaded).
STAMP_MAX_AGE = 12 * 60 * 60
ROW_ACTIONS = {
    "reprint": "reprint",
    "new_code": "new_code",
    "invalidate": "invalidate",
    "resend": "resend",
}


def _wave_for_runner(request, slug) -> Wave:
    if not rules.may_run_waves(request.user):
        raise PermissionDenied(_("Only facilitators run survey waves."))
    return get_object_or_404(Wave.objects.select_related("instrument"), slug=slug)


def new_stamp() -> str:
    return signing.dumps(
        {"seen": timezone.now().isoformat(), "form": secrets.token_hex(10)}, salt=STAMP_SALT
    )


def read_stamp(value: str) -> tuple[datetime.datetime, str]:
    """(when the page was opened, form id); ValidationError when missing, forged or old."""
    try:
        data = signing.loads(value or "", salt=STAMP_SALT, max_age=STAMP_MAX_AGE)
        return datetime.datetime.fromisoformat(data["seen"]), str(data["form"])[:40]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise ValidationError(
            _("This page is too old or incomplete. It has been loaded again; try once more.")
        ) from None


def _status_filter(request) -> str:
    status = request.GET.get("status", "")
    return status if status in bulk.STATUSES else ""


def _list_context(request, wave, status, selected=(), errors=()):
    rows = bulk.token_rows(wave, status or None)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return {
        "wave": wave,
        "page": page,
        "rows": bulk.decorate(page.object_list),
        "status": status,
        "query": urlencode({"status": status}) if status else "",
        "statuses": [
            (key, label, count)
            for (key, label), count in zip(
                bulk.STATUS_LABELS.items(), bulk.status_counts(wave).values(), strict=True
            )
        ],
        "selected": {str(pk) for pk in selected},
        "errors": errors,
        "stamp": new_stamp(),
        "bulk_actions": bulk.BULK_ACTIONS,
    }


@login_required
def token_list(request, slug):
    wave = _wave_for_runner(request, slug)
    status = _status_filter(request)
    return render(request, "monitor/wave_tokens.html", _list_context(request, wave, status))


@login_required
def token_export(request, slug, fmt):
    wave = _wave_for_runner(request, slug)
    if fmt not in ("csv", "xlsx"):
        raise Http404(_("Exports are CSV or XLSX."))
    status = _status_filter(request) or None
    if fmt == "xlsx":
        response = HttpResponse(
            bulk.export_xlsx(wave, status),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(
            bulk.export_csv(wave, status), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="codes-{wave.slug}.{fmt}"'
    return response


def _back_to_list(wave, status="") -> str:
    url = reverse("monitor:wave-tokens", args=[wave.slug])
    return f"{url}?{urlencode({'status': status})}" if status else url


@login_required
@require_POST
def token_action(request, slug):
    """One action on the ticked municipalities (or one row's button): reprint and new
    code make a PDF in the background; invalidate and resend are quick (codes and
    outbox rows) and done here."""
    wave = _wave_for_runner(request, slug)
    status = request.POST.get("status", "")
    status = status if status in bulk.STATUSES else ""
    raw_ids = request.POST.getlist("invitation")
    action = request.POST.get("action", "")
    parts = action.split(":")
    if len(parts) == 3 and parts[0] == "row":  # one row's own button: "row:<action>:<id>"
        action, raw_ids = parts[1], [parts[2]]
    ids = [int(value) for value in raw_ids if value.isdigit() and len(value) < 19]
    errors = []
    if action not in ROW_ACTIONS:
        errors.append(_("Choose what to do with the ticked municipalities."))
    if not ids or len(ids) != len(raw_ids):
        errors.append(_("Tick at least one municipality."))
    known = set(Invitation.objects.filter(wave=wave, pk__in=ids).values_list("pk", flat=True))
    if ids and known != set(ids):
        errors.append(_("Some ticked municipalities are not part of this wave."))
    try:
        seen, form_id = read_stamp(request.POST.get("stamp", ""))
    except ValidationError as error:
        errors.extend(error.messages)
    # After closing a code still opens the municipality's results: invalidating a leaked
    # one stays possible, inviting anyone does not.
    if not errors and action != "invalidate" and wave.status == Wave.Status.CLOSED:
        errors.append(_("The wave is closed: there is nothing left to invite anyone to."))
    back = request.POST.get("back", "")
    if errors:
        request.GET = request.GET.copy()
        request.GET["status"] = status
        context = _list_context(request, wave, status, raw_ids, errors)
        return render(request, "monitor/wave_tokens.html", context, status=400)
    if action in ("reprint", "new_code"):
        from kennisschakel.files.jobs import request_file

        job, _created = request_file(
            request,
            "monitor-selection-letters",
            {"wave": wave.slug, "title": wave.title, "action": action, "invitations": sorted(ids),
             "seen": seen.isoformat(), "form": form_id},
        )  # fmt: skip
        return redirect(job)
    if action == "invalidate":
        revoked, skipped = bulk.invalidate_codes(wave, ids, seen, form_id)
        messages.success(
            request,
            ngettext("%(n)s code no longer works.", "%(n)s codes no longer work.", revoked)
            % {"n": revoked},
        )
        if skipped:
            messages.warning(request, _skipped_message(skipped))
    else:
        outcome = bulk.resend_emails(wave, ids)
        line = bulk.outcome_line(None, outcome.emails, len(outcome.without_address))
        if outcome.submitted:
            line += " " + ngettext(
                "%(n)s has submitted already: no email.",
                "%(n)s have submitted already: no email.",
                len(outcome.submitted),
            ) % {"n": len(outcome.submitted)}
        messages.success(request, line)
    if back and back.startswith(reverse("monitor:wave-tokens", args=[wave.slug])):
        return redirect(back)
    return redirect(_back_to_list(wave, status))


def _skipped_message(skipped) -> str:
    names = ", ".join(invitation.name for invitation in skipped[:10])
    return ngettext(
        "Skipped %(n)s municipality whose codes were changed after you opened the page "
        "(%(names)s). Look at the list again.",
        "Skipped %(n)s municipalities whose codes were changed after you opened the page "
        "(%(names)s). Look at the list again.",
        len(skipped),
    ) % {"n": len(skipped), "names": names}


@login_required
def token_detail(request, slug, cbs_code):
    """One municipality: its status, codes (kind and dates, never the code), addresses;
    its own buttons and the form to add an address (what was typed stays on error)."""
    wave = _wave_for_runner(request, slug)
    invitation = get_object_or_404(bulk.token_rows(wave).select_related("wave"), cbs_code=cbs_code)
    error, typed = "", ""
    if request.method == "POST":
        typed = request.POST.get("email", "")[:300]
        try:
            bulk.add_contact_address(invitation, typed, request.user)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(
                request, _("%(email)s has been added.") % {"email": typed.strip().lower()}
            )
            return redirect(reverse("monitor:wave-token", args=[wave.slug, invitation.cbs_code]))
        invitation = bulk.token_rows(wave).get(pk=invitation.pk)  # fresh addresses
    row = bulk.decorate([invitation])[0]
    codes = AccessCode.objects.filter(invitation=invitation).order_by("-created_at")
    return render(
        request,
        "monitor/wave_token.html",
        {
            "wave": wave,
            "row": row,
            "codes": codes,
            "error": error,
            "typed": typed,
            "stamp": new_stamp(),
            "back": reverse("monitor:wave-token", args=[wave.slug, invitation.cbs_code]),
        },
        status=400 if error else 200,
    )


BULK_TITLES = {
    bulk.LETTERS: gettext_lazy("Print letters"),
    bulk.EMAILS: gettext_lazy("Email everyone a code"),
    bulk.REMINDERS: gettext_lazy("Send reminders"),
    bulk.CLOSE: gettext_lazy("Close the wave"),
}


@login_required
def bulk_confirm(request, slug, action):
    """GET: what the action would do, in numbers and consequences; POST (with the
    confirmation ticked where codes stop working): the background job and its page."""
    wave = _wave_for_runner(request, slug)
    if action not in bulk.BULK_ACTIONS:
        raise Http404(_("There is no such action."))
    replace = (request.POST if request.method == "POST" else request.GET).get("replace") == "1"
    found = bulk.plan(wave, action, replace)
    errors = []
    if request.method == "POST":
        try:
            seen, form_id = read_stamp(request.POST.get("stamp", ""))
        except ValidationError as error:
            errors.extend(error.messages)
        if not found.possible:
            errors.append(found.refusal)
        if found.invalidated and request.POST.get("confirm_invalidate") != "1":
            errors.append(
                _("Tick that the codes of the earlier letters may stop working, or print "
                  "only the missing letters.")
            )  # fmt: skip
        if action == bulk.CLOSE and request.POST.get("confirm_close") != "1":
            errors.append(_("Tick that the wave may close."))
        if not errors:
            from kennisschakel.files.jobs import request_file

            kind = {bulk.LETTERS: "monitor-bulk-letters", bulk.CLOSE: "monitor-close"}.get(
                action, "monitor-bulk-emails"
            )
            parameters = {"wave": wave.slug, "title": wave.title, "action": action}
            if action == bulk.LETTERS:
                # Letters claim their rows (a parallel batch finds them taken); emails,
                # reminders and closing have no stamp, so two facilitators confirming at
                # once, or a double click, land in the one active job.
                parameters.update(replace=replace, seen=seen.isoformat(), form=form_id)
            job, _created = request_file(request, kind, parameters)
            return redirect(job)
    return render(
        request,
        "monitor/bulk_confirm.html",
        {
            "wave": wave,
            "action": action,
            "title": BULK_TITLES[action],
            "plan": found,
            "replace": replace,
            "errors": errors,
            "stamp": new_stamp(),
            "ticked_invalidate": request.POST.get("confirm_invalidate") == "1",
            "ticked_close": request.POST.get("confirm_close") == "1",
        },
        status=400 if errors else 200,
    )
