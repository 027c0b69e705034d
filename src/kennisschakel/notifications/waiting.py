"""Mijn Kennisschakel, from notifications: the user's newest unread notifications and
how many there are (registered in ``NotificationsConfig.ready``; see core/waiting.py).

An overview, not a count for the menu: what a notification asks (an introduction to
answer, an exchange to confirm) is counted once already, by the section of its own app.
"""

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kennisschakel.core.waiting import Part, Row, Section, first, register
from kennisschakel.notifications.services import notifications_of

ROWS = 5


def unread_notifications(user, since) -> Part:
    unread = notifications_of(user).filter(read_at__isnull=True).order_by("-created_at", "-pk")
    rows, total = first(unread, limit=ROWS)
    return Part(
        rows=[
            Row(
                title=notification.subject,
                url=notification.url,
                detail=_("%(sentence)s · %(date)s")
                % {
                    "sentence": notification.sentence,
                    "date": date_format(localtime(notification.created_at), "j F Y"),
                },
                new=bool(since and notification.created_at > since),
            )
            for notification in rows
        ],
        total=total,
        more_url=reverse("notifications:list"),
        more_label=_("All notifications"),
    )


def _logged_in(user) -> bool:
    return bool(user and user.is_authenticated)


def register_sections() -> None:
    register(
        Section(
            key="notifications",
            order=90,  # after what asks to act: the events there are the same ones
            title=gettext_lazy("Unread notifications"),
            empty=gettext_lazy("You have no unread notifications."),
            collect=unread_notifications,
            applies=_logged_in,
        )
    )
