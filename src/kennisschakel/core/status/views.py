"""The "Systeemstatus" page (facilitators only): every /health check in plain words,
the newest index rebuild tasks, and buttons that queue a full rebuild.

While a rebuild waits or runs the page refreshes itself (a meta refresh: no
JavaScript needed), like the page of a file being made (files/views.py).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kennisschakel.core.health import run_checks
from kennisschakel.core.status import presentation, rebuilds

#: Seconds between the page's own refreshes while a rebuild waits or runs.
REFRESH_SECONDS = 3


def _require_facilitator(request) -> None:
    if not request.user.is_facilitator:
        raise PermissionDenied(_("Only facilitators see the system status."))


def _last_finished(rebuild):
    from django_tasks_db.models import DBTaskResult

    return (
        DBTaskResult.objects.finished()
        .filter(task_path=rebuild.task().module_path)
        .order_by("-finished_at")
        .first()
    )


def _index_state(rebuild) -> dict:
    current = rebuilds.active(rebuild)
    last = _last_finished(rebuild)
    return {
        "rebuild": rebuild,
        "active": current,
        "last": last,
        "last_status": presentation.status_label(last.status) if last else "",
        "last_outcome": presentation.outcome(last) if last else "",
    }


@login_required
def status_page(request):
    _require_facilitator(request)
    healthy, results = run_checks()
    indexes = [_index_state(rebuild) for rebuild in rebuilds.REBUILDS.values()]
    tasks = [
        {
            "label": presentation.task_label(result.task_path),
            "status": result.status,
            "status_label": presentation.status_label(result.status),
            "result": result,
            "outcome": presentation.outcome(result),
        }
        for result in rebuilds.recent()
    ]
    running = any(index["active"] for index in indexes)
    context = {
        "healthy": healthy,
        "sections": presentation.sections(results),
        "indexes": indexes,
        "tasks": tasks,
        "refresh": REFRESH_SECONDS if running else None,
    }
    return render(request, "core/status.html", context)


@login_required
@require_POST
def rebuild(request, index):
    _require_facilitator(request)
    chosen = rebuilds.REBUILDS.get(index)
    if chosen is None:
        raise Http404(_("There is no such index."))
    _result, queued = rebuilds.request_rebuild(chosen)
    if queued:
        messages.success(request, _("%(index)s: the rebuild is queued.") % {"index": chosen.label})
    else:
        messages.info(
            request,
            _("%(index)s: a rebuild is already queued or running.") % {"index": chosen.label},
        )
    return redirect("core:status")
