"""A practice's edit history as its editors read it: who, when, which fields by their
labels ("samenvatting, beleidsdomeinen"), and status changes in words."""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from kennisschakel.knowledge.models import Practice, PracticeRevision


@dataclass(frozen=True)
class HistoryLine:
    when: datetime
    who: str
    what: list[str]


def _label(field_name: str) -> str:
    if field_name == "attachments":
        return _("files")
    try:
        return str(Practice._meta.get_field(field_name).verbose_name)
    except FieldDoesNotExist:  # a field since removed: its name is still better than nothing
        return field_name.replace("_", " ")


def _status_label(value) -> str:
    labels = dict(Practice.Status.choices)
    return str(labels.get(value, value or "–"))


def readable(revisions: list[PracticeRevision]) -> list[HistoryLine]:
    lines = []
    for revision in revisions:
        what = []
        for name, change in revision.changes.items():
            if name == "status" and isinstance(change, list) and len(change) == 2:
                before, after = change
                what.append(
                    _("status: %(after)s") % {"after": _status_label(after)}
                    if before is None
                    else _("status: %(before)s → %(after)s")
                    % {"before": _status_label(before), "after": _status_label(after)}
                )
            else:
                what.append(_label(name))
        # No user: the change came from an import or the demo data, not from a person.
        who = revision.user.get_short_name() if revision.user else _("Kennisschakel (import)")
        lines.append(HistoryLine(revision.created_at, who, what))
    return lines
