"""Pages for running a wave: create it, print letters with codes, remind, follow the response.

Only facilitators run waves (``rules.may_run_waves``); everyone sees which waves exist.
"""

import copy
import datetime
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kennisschakel.monitor import rules, schedule, services
from kennisschakel.monitor.forms import StatusForm, WaveEditForm, WaveForm
from kennisschakel.monitor.models import Wave
from kennisschakel.monitor.report_pages import own_invitation
from kennisschakel.register.models import SizeClass


def _require_runner(request) -> None:
    if not rules.may_run_waves(request.user):
        raise PermissionDenied(_("Only facilitators run survey waves."))


def wave_list(request):
    waves = list(
        Wave.objects.select_related("instrument").annotate(
            invited=Count("invitations"),
            submitted=Count("invitations", filter=Q(invitations__submitted_at__isnull=False)),
        )
    )
    for wave in waves:  # a date passed since the last visit: tell the invited (once)
        schedule.announce_status(wave)
    return render(
        request,
        "monitor/wave_list.html",
        {"waves": waves, "may_run": rules.may_run_waves(request.user)},
    )


@login_required
def wave_create(request):
    _require_runner(request)
    form = WaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            wave = services.create_wave(
                {name: form.cleaned_data[name] for name in WaveForm.Meta.fields}, request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The wave has been created with %(count)s invited municipalities.")
                % {"count": wave.invitations.count()},
            )
            return redirect(wave.get_absolute_url())
    return render(
        request,
        "monitor/wave_form.html",
        {"form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def wave_edit(request, slug):
    """Change a wave's title, period, dates, smallest group and helpdesk line. The
    questionnaire, population and size classes stay (the invitations were made from
    them); the status keeps following the dates and the override, if any."""
    _require_runner(request)
    waves = Wave.objects.select_related("instrument", "size_scheme")
    if request.method != "POST":
        wave = get_object_or_404(waves, slug=slug)
        return _wave_edit_page(request, wave, WaveEditForm(instance=wave))
    with transaction.atomic():
        # Locked from the checks to the write: a parallel edit or override waits.
        wave = get_object_or_404(waves.select_for_update(of=("self",)), slug=slug)
        started = wave.invitations.filter(started_at__isnull=False).exists()
        # The form fills its instance with what was typed, valid or not: the page keeps
        # showing the wave as it is stored.
        form = WaveEditForm(request.POST, instance=copy.copy(wave), started=started)
        if not form.is_valid():
            return _wave_edit_page(request, wave, form)
        # New dates may open or close it today: the service announces that (once).
        edited = services.update_wave(form.save(commit=False), fields=WaveEditForm.Meta.fields)
    messages.success(request, _edited_message(edited))
    return redirect(edited.get_absolute_url())


def _wave_edit_page(request, wave: Wave, form: WaveEditForm):
    return render(
        request,
        "monitor/wave_edit.html",
        {"wave": wave, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


def _edited_message(wave: Wave) -> str:
    status = wave.effective_status()
    if status == Wave.Status.OPEN:
        return _("The changes have been saved. The wave is open through %(day)s.") % {
            "day": date_format(wave.closes_on, "j F Y")
        }
    if status == Wave.Status.DRAFT:
        return _("The changes have been saved. The wave opens on %(day)s.") % {
            "day": date_format(wave.opens_on, "j F Y")
        }
    if wave.status_override == Wave.Status.CLOSED:
        return _("The changes have been saved. The wave stays closed: it was closed by hand.")
    return _("The changes have been saved. The wave is closed.")


def response_monitor(wave: Wave) -> dict:
    """Invited, started and submitted per size class and per province (two queries)."""

    def rows(field):
        counted = (
            wave.invitations.values(field)
            .annotate(
                invited=Count("id"),
                started=Count("id", filter=Q(started_at__isnull=False)),
                submitted=Count("id", filter=Q(submitted_at__isnull=False)),
            )
            .order_by(field)
        )
        result = []
        for row in counted:
            row["percent"] = round(100 * row["submitted"] / row["invited"]) if row["invited"] else 0
            result.append(row)
        return result

    labels = {c.slug: c.label for c in SizeClass.objects.filter(scheme=wave.size_scheme)}
    order = list(SizeClass.objects.filter(scheme=wave.size_scheme).values_list("slug", flat=True))
    by_class = sorted(
        rows("size_class"),
        key=lambda r: order.index(r["size_class"]) if r["size_class"] in order else len(order),
    )
    for row in by_class:
        row["label"] = labels.get(row["size_class"]) or _("unknown (no longer exists)")
    totals = defaultdict(int)
    for row in by_class:
        for key in ("invited", "started", "submitted"):
            totals[key] += row[key]
    totals["percent"] = (
        round(100 * totals["submitted"] / totals["invited"]) if totals["invited"] else 0
    )
    return {"by_class": by_class, "by_province": rows("province"), "totals": dict(totals)}


def wave_detail(request, slug):
    wave = get_object_or_404(
        Wave.objects.select_related("instrument", "size_scheme", "status_override_by"), slug=slug
    )
    schedule.announce_status(wave)  # a date passed since the last visit: tell the invited
    return _wave_detail(request, wave)


def _wave_detail(request, wave: Wave, status_form: StatusForm | None = None):
    may_run = rules.may_run_waves(request.user)
    # Offer only what works for this visitor: "where do we stand" to the municipality
    # itself (never to a facilitator, who would get 403), the code page while a code
    # can still do something.
    context = {
        "wave": wave,
        "may_run": may_run,
        "phase": services.code_phase(wave),
        "own_results": wave.status == Wave.Status.CLOSED
        and own_invitation(request, wave) is not None,
    }
    if may_run:
        context.update(
            monitor=response_monitor(wave),
            status_form=status_form or StatusForm(initial={"closes_on": _open_through(wave)}),
            not_finished=wave.invitations.filter(submitted_at__isnull=True)
            .exclude(email="")
            .count(),
        )
    return render(
        request,
        "monitor/wave_detail.html",
        context,
        status=400 if status_form is not None and status_form.errors else 200,
    )


def _open_through(wave: Wave):
    """What "open now" proposes as the last day: the closing date while it lies ahead,
    else two weeks from today."""
    today = Wave.today()
    return wave.closes_on if wave.closes_on >= today else today + datetime.timedelta(weeks=2)


@login_required
@require_POST
def wave_status(request, slug):
    """Open now, close now or back to the dates (recorded with who and when)."""
    _require_runner(request)
    wave = get_object_or_404(
        Wave.objects.select_related("instrument", "size_scheme", "status_override_by"), slug=slug
    )
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.set_status(
                wave, form.override(), request.user, form.cleaned_data.get("closes_on")
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _status_message(wave))
            return redirect(wave.get_absolute_url())
    return _wave_detail(request, wave, status_form=form)


def _status_message(wave: Wave) -> str:
    status = wave.effective_status()
    if status == Wave.Status.OPEN:
        return _("The wave is open through %(day)s.") % {
            "day": date_format(wave.closes_on, "j F Y")
        }
    if status == Wave.Status.CLOSED:
        return _("The wave is closed.")
    return _("The wave follows its dates again: it opens on %(day)s.") % {
        "day": date_format(wave.opens_on, "j F Y")
    }


@login_required
def wave_import(request, slug):
    """Upload a response CSV: all rows or none, with every problem named by row and column."""
    from kennisschakel.monitor.imports import ImportRejected, RowError, import_responses

    _require_runner(request)
    wave = get_object_or_404(Wave.objects.select_related("instrument"), slug=slug)
    problems = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        # A LimeSurvey export comes with its mapping file (monitor/limesurvey.py).
        limesurvey = request.POST.get("format") == "limesurvey"
        mapping = request.FILES.get("mapping")
        if upload is None:
            problems = [RowError(0, "", _("Choose a CSV file."))]
        elif limesurvey and mapping is None:
            problems = [RowError(0, "", _("Choose the mapping file for the LimeSurvey export."))]
        else:
            try:
                # The upload itself: the import checks its size before reading it.
                if limesurvey:
                    from kennisschakel.monitor.limesurvey import import_limesurvey

                    result = import_limesurvey(wave, upload, mapping, mapping_name=mapping.name)
                else:
                    result = import_responses(wave, upload)
            except ImportRejected as rejected:
                problems = rejected.errors
            else:
                messages.success(
                    request, _("%(count)s responses imported.") % {"count": result.imported}
                )
                return redirect(wave.get_absolute_url())
    return render(
        request,
        "monitor/wave_import.html",
        {"wave": wave, "problems": problems, "format": request.POST.get("format", "")},
        status=400 if problems else 200,
    )


@login_required
def wave_export(request, slug, fmt):
    """Raw responses, for analysts only: never shown on a page, never through the API."""
    from kennisschakel.monitor.imports import export_csv, export_xlsx

    if not rules.may_export_raw(request.user):
        raise PermissionDenied(_("Only analysts may export raw responses."))
    wave = get_object_or_404(Wave.objects.select_related("instrument"), slug=slug)
    if fmt not in ("csv", "xlsx"):
        raise Http404(_("Exports are CSV or XLSX."))
    if fmt == "xlsx":
        response = HttpResponse(
            export_xlsx(wave),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(export_csv(wave), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="antwoorden-{wave.slug}.{fmt}"'
    return response
