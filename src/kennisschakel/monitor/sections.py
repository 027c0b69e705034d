"""A municipality's page, from the monitor: its own results for the municipality itself,
public aggregates for everyone (registered in ``MonitorConfig.ready``; see
core/party_sections.py).

Who sees what follows ``rules.py`` and ``views/reports.py``:

* the municipality's own logged-in people (``rules.may_see_own_answers``) see, per wave,
  whether they answered and the way to their own results ("where do we stand") or to
  the questionnaire while the wave is open;
* facilitators run the waves and already see who answered (the wave's response
  monitor): they see the same participation, but never a link to the answers, which
  are for the municipality only (``views.reports.where_we_stand``);
* everyone, those two included, sees aggregates of closed waves only: how many
  municipalities of its size class and of the whole country answered, from the wave's
  report (``report_cache.computed_report``, shared with the report page). A size class
  with fewer respondents than the wave's ``min_cell`` shows no figure, as the report's
  own tables do; nothing on the page says whether this municipality answered.

Queries: one for the invitations, and per closed wave shown (at most ``WAVES``) the
report's fingerprint and size classes (the tables themselves come from the cache).
"""

from kennisschakel.core.i18n import current_language
from kennisschakel.core.party_sections import (
    MUNICIPALITY,
    Shown,
    municipality_of,
    register_section,
)
from kennisschakel.core.permissions import is_active_user
from kennisschakel.engines import survey
from kennisschakel.monitor import rules
from kennisschakel.monitor.models import Invitation, Wave
from kennisschakel.monitor.report_cache import computed_report

WAVES = 3  # the latest waves the municipality was invited to; the wave list has the rest


def _label(group: survey.Group) -> str:
    return (group.label_en or group.label_nl) if current_language() == "en" else group.label_nl


def _aggregate(invitation: Invitation) -> dict:
    """The response of a closed wave in the invitation's size class and in total."""
    wave = invitation.wave
    computed = computed_report(wave)
    response = next((t for t in computed.tables if t.kind == "response"), None)
    labels = {group.code: _label(group) for group in computed.groups}
    columns = []
    if response is not None:
        size_class = invitation.size_class
        for column, label in (
            (size_class, labels.get(size_class, "")),
            (survey.TOTAL, None),
        ):
            if column not in response.columns:
                continue
            respondents = response.value("respondents", column)
            shown = respondents is not None and respondents >= wave.min_cell
            columns.append(
                {
                    "label": label,
                    "total": column == survey.TOTAL,
                    "shown": shown,
                    "respondents": int(respondents) if shown else None,
                    "population": response.value("population", column) if shown else None,
                    "response": response.value("response", column) if shown else None,
                }
            )
    return {"wave": wave, "columns": columns}


def monitor_section(request, party) -> Shown | None:
    municipality = municipality_of(party)
    if municipality is None:
        return None
    user = request.user
    invitations = list(
        Invitation.objects.filter(municipality=municipality, wave__is_practice=False)
        .exclude(Wave.status_q(Wave.Status.DRAFT, prefix="wave__"))
        .select_related("wave", "municipality")
        .order_by("-wave__reference_date", "-wave__closes_on", "-pk")[:WAVES]
    )
    if not invitations:
        return None
    own = bool(invitations) and rules.may_see_own_answers(user, invitations[0])
    facilitator = not own and is_active_user(user) and rules.may_run_waves(user)
    participation = []
    if own or facilitator:
        for invitation in invitations:
            wave = invitation.wave
            participation.append(
                {
                    "invitation": invitation,
                    "wave": wave,
                    "open": wave.is_answerable(),
                    "closed": wave.status == Wave.Status.CLOSED,
                }
            )
    aggregates = [
        _aggregate(invitation)
        for invitation in invitations
        if invitation.wave.status == Wave.Status.CLOSED
    ]
    return Shown(
        template="monitor/_party_section.html",
        context={
            "municipality": municipality,
            "own": own,
            "facilitator": facilitator,
            "participation": participation,
            "aggregates": aggregates,
        },
    )


def register_sections() -> None:
    register_section("monitor", 50, monitor_section, pages={MUNICIPALITY})
