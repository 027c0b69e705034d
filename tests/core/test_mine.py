"""Mijn Kennisschakel (/mijn/): what waits for a user, per section, only their own
organisation's, with the menu's count, the previous visit, and bounded queries."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kennisschakel.accounts.models import Role
from kennisschakel.core import waiting
from kennisschakel.core.context_processors import MineMenu
from kennisschakel.core.visits import LastVisit, previous_visit, record_visit
from kennisschakel.knowledge.models import Practice
from kennisschakel.knowledge.services import record_adoption, reply_to_adoption, save_practice
from kennisschakel.matching import services as matching
from kennisschakel.monitor import services as monitor
from kennisschakel.monitor.models import Instrument
from kennisschakel.partnerships import services as ledger
from kennisschakel.partnerships.models import ExchangeActivity
from kennisschakel.register.models import Municipality, Organisation, PolicyDomain, SizeScheme
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db
MINE = reverse("core:mine")
TODAY = datetime.date.today()


def _org(cbs_code):
    return Municipality.objects.get(cbs_code=cbs_code).organisation


def _page(client, user) -> str:
    client.force_login(user)
    response = client.get(MINE)
    assert response.status_code == 200
    return response.content.decode()


def _section(body: str, key: str) -> str:
    """The HTML of one section of the page ('' when the section is not there)."""
    match = re.search(rf'<section[^>]*aria-labelledby="mine-{key}".*?</section>', body, re.S)
    return match.group(0) if match else ""


def _introduction(asker, cbs_code="GM0153", subject_text="Wij zoeken ervaring met Dalian."):
    return matching.request_introduction(asker, f"municipality:{cbs_code}", subject_text)


def _exchange(logger, other_code="GM0153", title="Werkbezoek afvalbeleid"):
    return ledger.log_activity(
        {"title": title, "form": "bijeenkomst", "start_date": datetime.date(2025, 2, 2)},
        [
            ledger.SideInput(ledger.parse_party(logger.organisation.municipality.cbs_code), "gave"),
            ledger.SideInput(ledger.parse_party(other_code), "received"),
        ],
        user=logger,
        organisation=logger.organisation,
    )


def _practice(cbs_code="GM0153", title="Schuldhulp aan de keukentafel"):
    practice = Practice(
        title=title,
        summary="Een korte samenvatting van de aanpak.",
        body="Uitleg van de aanpak.",
        owner=Organisation.objects.get(slug=cbs_code.lower()),
        status="published",
    )
    domain = PolicyDomain.objects.get(slug="armoede-en-schulden")
    return save_practice(practice, None, relations={"domains": [domain]})


def _wave(slug="gib-mijn", **overrides):
    values = {
        "slug": slug,
        "instrument": Instrument.objects.get(slug="gib"),
        "title": f"Monitor internationaal beleid ({slug})",
        "period": str(TODAY.year),
        "reference_date": datetime.date(TODAY.year, 1, 1),
        "size_scheme": SizeScheme.objects.get(slug="gib2009"),
        "opens_on": TODAY - datetime.timedelta(days=1),
        "closes_on": TODAY + datetime.timedelta(days=30),  # open by its dates
    }
    values.update(overrides)
    return monitor.create_wave(values)


# ------------------------------------------------------------------ login, menu, access


def test_login_lands_on_mine(client, enschede_contributor):
    response = client.post(
        reverse("accounts:login"),
        {"username": enschede_contributor.email, "password": TEST_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == MINE


def test_anonymous_is_sent_to_login(client):
    response = client.get(MINE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_menu_has_mine_with_count_and_account(client, weert_contributor, make_user):
    coordinator = make_user(Role.COORDINATOR, "GM0153")
    _introduction(weert_contributor)
    _exchange(weert_contributor)
    client.force_login(coordinator)
    body = client.get(reverse("register:municipality-list")).content.decode()
    nav = re.search(r'<nav class="wrap main-nav".*?</nav>', body, re.S).group(0)
    # The figure is shown, and read out as words (the badge itself is hidden from readers).
    assert '<span class="nav-count" aria-hidden="true">2</span>' in nav
    assert '<span class="visually-hidden"> (2 zaken wachten)</span>' in nav
    assert f'href="{MINE}"' in nav and "Mijn Kennisschakel" in nav
    assert f'href="{reverse("accounts:profile")}"' in nav and ">Account<" in nav
    # On the page itself the menu shows the page's own figure (no second count).
    body = client.get(MINE).content.decode()
    assert '<span class="nav-count" aria-hidden="true">2</span>' in body
    assert "Er wachten 2 zaken op u." in body


def test_menu_shows_no_figure_when_nothing_waits(client, make_user):
    user = make_user(Role.CONTRIBUTOR, "GM0086")
    client.force_login(user)
    body = client.get(reverse("register:municipality-list")).content.decode()
    assert "nav-count" not in body and "Mijn Kennisschakel" in body


def test_menu_count_costs_one_query_per_counting_section(weert_contributor, make_user):
    coordinator = make_user(Role.COORDINATOR, "GM0153")
    _introduction(weert_contributor)
    counting = [s for s in waiting.sections_for(coordinator) if s.count is not None]
    assert {s.key for s in counting} >= {"introductions", "exchanges", "adoptions", "monitor"}
    with CaptureQueriesContext(connection) as queries:
        assert MineMenu(coordinator).count == 1
        assert MineMenu(coordinator).count == 1  # a new request counts again
    assert len(queries) == 2 * (len(counting) + 1)  # + the previous visit


# ------------------------------------------------------------------ sections per organisation


def test_introduction_waits_for_the_recipient_only(client, weert_contributor, make_user):
    introduction = _introduction(weert_contributor)
    coordinator = make_user(Role.COORDINATOR, "GM0153")
    reader = make_user(Role.READER, "GM0153")
    third = make_user(Role.CONTRIBUTOR, "GM0637")

    section = _section(_page(client, coordinator), "introductions")
    assert introduction.get_absolute_url() in section
    assert "Beantwoorden" in section and "1 wachtend" in section

    # A reader of Enschede sees it but cannot answer: no action, nothing counted.
    section = _section(_page(client, reader), "introductions")
    assert introduction.get_absolute_url() in section
    assert "Beantwoorden" not in section and "0 wachtend" in section

    # The asker does not have to answer its own request; a third municipality sees nothing.
    assert introduction.get_absolute_url() not in _section(
        _page(client, weert_contributor), "introductions"
    )
    assert introduction.get_absolute_url() not in _page(client, third)


def test_answers_to_our_requests_are_news_for_the_asker(client, weert_contributor, make_user):
    coordinator = make_user(Role.COORDINATOR, "GM0153")
    introduction = _introduction(weert_contributor)
    _page(client, weert_contributor)  # the visit before the answer
    matching.answer_introduction(introduction, coordinator, True, "Graag!")
    section = _section(_page(client, weert_contributor), "introduction-answers")
    assert introduction.get_absolute_url() in section and "nieuw" in section
    assert introduction.get_absolute_url() not in _page(client, make_user(Role.READER, "GM0637"))


def test_exchange_waits_for_the_other_side_not_the_logger(client, weert_contributor, make_user):
    activity = _exchange(weert_contributor)
    enschede = make_user(Role.CONTRIBUTOR, "GM0153")
    section = _section(_page(client, enschede), "exchanges")
    assert activity.get_absolute_url() in section and "Bevestigen of betwisten" in section
    assert activity.get_absolute_url() not in _section(
        _page(client, weert_contributor), "exchanges"
    )
    assert activity.get_absolute_url() not in _section(
        _page(client, make_user(Role.CONTRIBUTOR, "GM0637")), "exchanges"
    )
    # Once confirmed, it no longer waits.
    ledger.confirm_activity(ExchangeActivity.objects.get(pk=activity.pk), True)
    assert activity.get_absolute_url() not in _section(_page(client, enschede), "exchanges")


def test_adoption_waits_for_the_owner_until_replied(client, weert_contributor, make_user):
    practice = _practice("GM0153", "Keukentafelgesprekken over schulden")
    weert = weert_contributor
    adoption = record_adoption(practice, weert.organisation, weert, "overgenomen")
    enschede = make_user(Role.COORDINATOR, "GM0153")
    section = _section(_page(client, enschede), "adoptions")
    assert practice.title in section and "Reageren" in section
    practices = _section(_page(client, enschede), "practices")
    assert practice.get_absolute_url() in practices
    # Weert adopted it; it does not reply to its own adoption, nor own the practice.
    weert_body = _page(client, weert_contributor)
    assert practice.title not in _section(weert_body, "adoptions")
    assert practice.title not in _section(weert_body, "practices")
    reply_to_adoption(adoption, enschede, "Fijn om te horen!")
    assert practice.title not in _section(_page(client, enschede), "adoptions")


def test_draft_practice_shows_only_to_its_own_organisation(client, make_user):
    draft = _practice("GM0153", "Concept: wijkteams en statushouders")
    Practice.objects.filter(pk=draft.pk).update(status="draft")
    assert draft.title in _section(_page(client, make_user(Role.READER, "GM0153")), "practices")
    assert draft.title not in _page(client, make_user(Role.READER, "GM0988"))


def test_monitor_invitation_and_new_results(client, make_user):
    open_wave = _wave("gib-open")
    closed = _wave(
        "gib-dicht",  # closed by its dates
        opens_on=TODAY - datetime.timedelta(days=60),
        closes_on=TODAY - datetime.timedelta(days=2),
    )
    coordinator = make_user(Role.COORDINATOR, "GM0153")
    LastVisit.objects.create(user=coordinator, seen_at=timezone.now() - datetime.timedelta(days=10))
    section = _section(_page(client, coordinator), "monitor")
    assert reverse("monitor:answer-start", args=[open_wave.slug]) in section
    assert reverse("monitor:where-we-stand", args=[closed.slug]) in section
    assert "nieuw" in section and "2 wachtend" in section
    # Seen now: the results are no longer new, the open invitation still waits.
    section = _section(_page(client, coordinator), "monitor")
    assert "1 wachtend" in section
    # A submitted invitation no longer waits.
    open_wave.invitations.filter(cbs_code="GM0153").update(submitted_at=timezone.now())
    section = _section(_page(client, coordinator), "monitor")
    assert reverse("monitor:answer-start", args=[open_wave.slug]) not in section


def test_facilitator_sees_the_waves_they_run_and_no_municipal_rows(
    client, facilitator, weert_contributor
):
    wave = _wave("gib-beheer")
    introduction = _introduction(weert_contributor)
    body = _page(client, facilitator)
    assert wave.get_absolute_url() in _section(body, "monitor-waves")
    assert reverse("monitor:answer-start", args=[wave.slug]) not in body
    assert introduction.get_absolute_url() not in body


def test_user_without_organisation_gets_a_plain_explanation(client, make_user):
    user = make_user(Role.READER, email="los@test.example")
    body = _page(client, user)
    assert "niet gekoppeld aan een gemeente" in body
    assert _section(body, "introductions") == ""


def test_empty_states_in_plain_dutch(client, make_user):
    body = _page(client, make_user(Role.CONTRIBUTOR, "GM0086"))
    assert "Er wacht nu niets op u." in body
    assert "Geen gemeente wacht op een antwoord op een introductie." in body
    assert "Geen uitwisseling van een partner wacht op uw bevestiging." in body
    assert "Eerste bezoek" in body or "eerste bezoek" in body


def test_network_news_shows_fellow_members_exchanges(client, make_user):
    from kennisschakel.partnerships.models import NetworkMembership

    network = Organisation.objects.create(slug="mijn-netwerk", name="Mijn netwerk", type="network")
    for code in ("GM0153", "GM0988"):
        NetworkMembership.objects.create(network=network, member=_org(code))
    weert = make_user(Role.CONTRIBUTOR, "GM0988")
    activity = _exchange(weert, other_code="GM0193", title="Zwolle en Weert over inburgering")
    section = _section(_page(client, make_user(Role.READER, "GM0153")), "networks")
    assert activity.get_absolute_url() in section
    # Not a member of the network: not in its news.
    assert activity.get_absolute_url() not in _section(
        _page(client, make_user(Role.READER, "GM0637")), "networks"
    )


# ------------------------------------------------------------------ last visit


def test_each_visit_moves_the_previous_visit(client, enschede_contributor):
    assert previous_visit(enschede_contributor) is None
    body = _page(client, enschede_contributor)
    assert "eerste bezoek" in body
    first = previous_visit(enschede_contributor)
    assert first is not None
    body = _page(client, enschede_contributor)
    assert "Uw vorige bezoek was op" in body
    assert previous_visit(enschede_contributor) >= first


def test_a_late_writer_never_moves_the_visit_backwards(enschede_contributor):
    now = timezone.now()
    assert record_visit(enschede_contributor, now) is None
    assert record_visit(enschede_contributor, now - datetime.timedelta(minutes=5)) == now
    assert previous_visit(enschede_contributor) == now
    assert LastVisit.objects.filter(user=enschede_contributor).count() == 1


# ------------------------------------------------------------------ queries


def _page_queries(client, user) -> list[str]:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(MINE).status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def _per_row(queries: list[str]) -> list[str]:
    """Without the session look-up and the totals a full section adds (ROWS reached)."""
    return [q for q in queries if "django_session" not in q and not q.startswith("SELECT COUNT")]


def test_page_queries_do_not_grow_with_rows(client, make_user):
    coordinator = make_user(Role.COORDINATOR, "GM0153")
    askers = [make_user(Role.CONTRIBUTOR, code) for code in ("GM0988", "GM0637", "GM0518")]
    _introduction(askers[0])
    _exchange(askers[0])
    _page_queries(client, coordinator)  # the first visit inserts its LastVisit row
    few = _page_queries(client, coordinator)
    for asker in askers[1:]:
        _introduction(asker)
        _exchange(asker)
        record_adoption(
            _practice("GM0153", f"Praktijk voor {asker.email}"),
            asker.organisation,
            asker,
            "overgenomen",
        )
    many = _page_queries(client, coordinator)
    assert len(_per_row(many)) == len(_per_row(few))
    # At most two queries per section (rows, and a total when a section is full), plus
    # session, user, the previous visit (read + conditional update) and the organisation.
    sections = waiting.sections_for(coordinator)
    assert len(many) <= 2 * len(sections) + 5, many
