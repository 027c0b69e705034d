"""Mijn Kennisschakel, from the monitor: our municipality's open invitations and the results
of closed waves, and for facilitators the waves they run (registered in
``MonitorConfig.ready``; see core/waiting.py).

A municipality's invitation is seen only by its own people (``rules.may_see_own_answers``:
the invitation's municipality is the user's organisation); answering still takes the
code from the letter. Results stay open as long as ``Wave.results_open`` says.
"""

import datetime

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kennisschakel.core.permissions import belongs_to
from kennisschakel.core.waiting import Part, Row, Section, register
from kennisschakel.monitor import rules
from kennisschakel.monitor.models import Invitation, Wave


def _invitations(user, today: datetime.date):
    """Our open, unsubmitted invitations and our invitations in closed waves whose results
    are still open: one query for both."""
    results_since = today - datetime.timedelta(
        days=getattr(settings, "MONITOR_RESULTS_ACCESS_DAYS", 365)
    )
    open_now = Wave.status_q(Wave.Status.OPEN, today, prefix="wave__") & Q(
        submitted_at__isnull=True
    )
    results = Wave.status_q(Wave.Status.CLOSED, today, prefix="wave__") & Q(
        wave__closes_on__gte=results_since
    )
    return Invitation.objects.filter(
        Q(municipality__organisation_id=user.organisation_id) & (open_now | results),
        wave__is_practice=False,  # fictitious answers are nobody's invitation or result
    )


def _is_new(wave: Wave, since) -> bool:
    return bool(since and wave.closes_on >= since.date())


def _may_act(user) -> bool:
    return belongs_to(user, user.organisation_id)


def monitor_for_us(user, since) -> Part:
    today = Wave.today()
    invitations = list(
        _invitations(user, today).select_related("wave").order_by("-wave__closes_on")[:20]
    )
    may_act = _may_act(user)
    rows, waiting = [], 0
    for invitation in invitations:
        wave = invitation.wave
        if wave.effective_status(today) == Wave.Status.OPEN:
            waiting += 1
            rows.append(
                Row(
                    title=wave.title,
                    url=reverse("monitor:answer-start", args=[wave.slug]),
                    detail=_(
                        "Open until %(date)s. You answer with the access code from the letter."
                    )
                    % {"date": date_format(wave.closes_on, "j F Y")},
                    action=_("Answer the questionnaire") if may_act else "",
                )
            )
        else:
            new = _is_new(wave, since)
            waiting += new
            rows.append(
                Row(
                    title=wave.title,
                    url=reverse("monitor:where-we-stand", args=[wave.slug]),
                    detail=_("Closed on %(date)s: see where your municipality stands.")
                    % {"date": date_format(wave.closing_day(), "j F Y")},
                    new=new,
                )
            )
    return Part(
        rows=rows,
        waiting=waiting if may_act else 0,
        more_url=reverse("monitor:wave-list"),
        more_label=_("All monitor waves"),
    )


def count_monitor(user, since) -> int:
    if not _may_act(user):
        return 0
    today = Wave.today()
    new_results = Wave.status_q(Wave.Status.OPEN, today, prefix="wave__")
    if since:
        new_results |= Q(wave__closes_on__gte=since.date())
    return _invitations(user, today).filter(new_results).count()


def waves_we_run(user, since) -> Part:
    waves = (
        Wave.objects.open_on()
        .filter(is_practice=False)
        .annotate(
            invited=Count("invitations"),
            submitted=Count("invitations", filter=Q(invitations__submitted_at__isnull=False)),
        )
        .order_by("closes_on")
    )
    rows = list(waves[:10])
    return Part(
        rows=[
            Row(
                title=wave.title,
                url=wave.get_absolute_url(),
                detail=_(
                    "%(submitted)s of %(invited)s municipalities have answered; closes on %(date)s"
                )
                % {
                    "submitted": wave.submitted,
                    "invited": wave.invited,
                    "date": date_format(wave.closes_on, "j F Y"),
                },
            )
            for wave in rows
        ],
        more_url=reverse("monitor:wave-list"),
        more_label=_("All monitor waves"),
    )


#: The monitor's sections on Mijn Kennisschakel, in the shape every app's waiting.py has:
#: collect (and count, when it asks to act) per section, registered from ready().
SECTIONS = (
    Section(
        key="monitor",
        order=40,
        title=gettext_lazy("Monitor: invitations and results"),
        empty=gettext_lazy(
            "No open monitor invitation and no recent results for your municipality."
        ),
        collect=monitor_for_us,
        count=count_monitor,
    ),
    Section(
        key="monitor-waves",
        order=45,
        title=gettext_lazy("Open monitor waves you run"),
        empty=gettext_lazy("No monitor wave is open."),
        collect=waves_we_run,
        applies=rules.may_run_waves,
    ),
)


def register_sections() -> None:
    for section in SECTIONS:
        register(section)
