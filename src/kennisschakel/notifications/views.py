"""/meldingen/: the user's own notifications, newest first; marking them read (POST)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Max
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kennisschakel.notifications import services
from kennisschakel.notifications.forms import DigestForm

PER_PAGE = 20


def _back(request, default: str):
    """Back to where the form was (the same page of the list), never to another site."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


@never_cache
@login_required
def notification_list(request):
    notifications = services.notifications_of(request.user).order_by("-created_at", "-pk")
    page = Paginator(notifications, PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    unread = services.unread_count(request.user)
    return render(
        request,
        "notifications/list.html",
        {
            "page": page,
            "notifications": rows,
            "unread": unread,
            # "Mark all as read" marks up to what existed when the page was shown.
            "newest_id": notifications.aggregate(newest=Max("pk"))["newest"] if unread else None,
            "here": request.get_full_path(),
            "preference": services.preference_of(request.user),
        },
    )


@login_required
@require_POST
def mark_read_view(request, pk):
    # Only the user's own: another's notification is a 404, whether it exists or not.
    notification = get_object_or_404(services.notifications_of(request.user), pk=pk)
    if services.mark_read(request.user, notification.pk):
        messages.success(
            request, _("Marked as read: %(subject)s") % {"subject": notification.subject}
        )
    return _back(request, "notifications:list")


@login_required
@require_POST
def mark_all_read_view(request):
    raw = request.POST.get("up_to", "")
    up_to = int(raw) if raw.isdigit() and len(raw) < 19 else None
    count = services.mark_all_read(request.user, up_to)
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)s notification marked as read.",
                "%(count)s notifications marked as read.",
                count,
            )
            % {"count": count},
        )
    else:
        messages.info(request, _("There were no unread notifications."))
    return _back(request, "notifications:list")


@login_required
@require_POST
def digest_preference(request):
    form = DigestForm(request.POST)
    if form.is_valid():
        preference = services.set_frequency(
            request.user, form.cleaned_data["frequency"], translation.get_language()
        )
        messages.success(request, services.describe_frequency(preference.frequency))
    else:
        messages.error(request, " ".join(form.errors["frequency"]))
    return _back(request, "accounts:profile")
