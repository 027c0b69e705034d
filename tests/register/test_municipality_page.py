"""A municipality's page and an organisation's page: the sections the apps contribute
(core/party_sections.py), who sees the monitor results, and bounded queries."""

import ast
import datetime
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kennisschakel.core.party_sections import context_of
from kennisschakel.knowledge.models import Practice
from kennisschakel.matching.models import Offer, Question
from kennisschakel.monitor import services as monitor_services
from kennisschakel.monitor.instruments import load_instruments
from kennisschakel.monitor.models import Instrument
from kennisschakel.partnerships import services as partnership_services
from kennisschakel.partnerships.models import Partnership
from kennisschakel.register.models import Municipality, Organisation, SizeScheme
from tests.knowledge.factories import PracticeFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
OPSTERLAND, ENSCHEDE, WEERT = "GM0086", "GM0153", "GM0988"
SMALL = "gib2009-10k-20k"  # 4 respondents below: suppressed
LARGE = "gib2009-100k-plus"  # 6 respondents, Enschede among them
SECRET = "Onze geheime stedenband met Zanzibar"


@pytest.fixture(autouse=True)
def english(client, settings):
    """Pages in English: the msgids, whatever the Dutch catalogue holds."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def page(client, cbs_code):
    response = client.get(reverse("register:municipality-detail", args=[cbs_code]))
    assert response.status_code == 200
    return response


def text(response) -> str:
    return response.content.decode()


# --------------------------------------------------------------------------- the sections


def test_register_views_import_no_app_above_them():
    """The register's pages walk the registry; no register module (its views included,
    also inside functions) imports the apps that fill it, nor accounts."""
    package = Path(__file__).parents[2] / "src/kennisschakel/register"
    sources = sorted(package.rglob("*.py"))
    assert package / "views" / "directory.py" in sources
    for source in sources:
        imported = set()
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
        for app in ("partnerships", "knowledge", "matching", "monitor", "accounts"):
            assert not [name for name in imported if f"kennisschakel.{app}" in name], (
                source,
                app,
            )


def test_sections_in_order_on_a_municipality_page(client):
    response = page(client, ENSCHEDE)
    keys = [shown.key for shown in response.context["sections"]]
    assert keys[:3] == ["practices", "questions", "partnerships"]
    body = text(response)
    headings = ["Contact point", "Practices and lessons", "Questions and offers", "Partnerships"]
    positions = [body.index(f">{heading}</h2>") for heading in headings]
    assert positions == sorted(positions)


def test_a_negative_lesson_is_on_its_municipalitys_page(client):
    lesson = PracticeFactory(
        cbs_code=OPSTERLAND,
        kind=Practice.Kind.LESSON,
        title="Proefles: Europese samenwerking liep vast op regels",
        negative_lessons="Elk land heeft eigen regelgeving.",
    )
    plain = PracticeFactory(
        cbs_code=OPSTERLAND, kind=Practice.Kind.LESSON, title="Proefles: leren in de regio"
    )
    response = page(client, OPSTERLAND)
    section = context_of(response.context["sections"], "practices")
    shown = {p.pk: p for p in section["lessons"]}
    assert shown[lesson.pk].is_negative and not shown[plain.pk].is_negative
    body = text(response)
    assert "Proefles: Europese samenwerking liep vast op regels" in body
    assert "what did not work" in body
    # Another municipality's page does not claim it.
    assert "Proefles: Europese samenwerking" not in text(page(client, WEERT))


def test_drafts_only_for_the_owner(client, make_user):
    owner = Municipality.objects.get(cbs_code=WEERT).organisation
    draft = Practice.objects.create(
        slug="weert-concept", title="Weert concept over zonnepanelen", summary="Nog niet af.",
        owner=owner, status=Practice.Status.DRAFT,
    )  # fmt: skip
    assert draft.title not in text(page(client, WEERT))
    client.force_login(make_user("contributor", WEERT))
    assert draft.title in text(page(client, WEERT))


def test_questions_and_offers(client, make_user):
    weert = Municipality.objects.get(cbs_code=WEERT).organisation
    open_question = Question.objects.create(
        organisation=weert, title="Wie heeft ervaring met een stedenband in Polen?", text="..."
    )
    closed = Question.objects.create(
        organisation=weert, title="Een gesloten vraag over afval", text="...",
        status=Question.Status.CLOSED,
    )  # fmt: skip
    offer = Offer.objects.create(organisation=weert, title="Wij bieden kennis over grensarbeid")
    gone = Offer.objects.create(organisation=weert, title="Een oud aanbod", active=False)
    body = text(page(client, WEERT))
    assert open_question.title in body and offer.title in body
    assert closed.title not in body and gone.title not in body
    assert open_question.title not in text(page(client, ENSCHEDE))
    # The municipality's own people see the closed ones too.
    client.force_login(make_user("contributor", WEERT))
    body = text(page(client, WEERT))
    assert closed.title in body and gone.title in body


def test_partnerships_networks_and_balance(client):
    response = page(client, ENSCHEDE)
    section = context_of(response.context["sections"], "partnerships")
    assert section["partnerships"] and section["balance"].activity_count > 0
    body = text(response)
    for partnership in section["partnerships"]:
        assert partnership.get_absolute_url() in body
    assert "Give and take (voor wat hoort wat)" in body
    # The wide per-partner table scrolls in its own box, not the page.
    assert 'class="table-scroll" tabindex="0" role="region"' in body


def test_contact_point_shows_consented_people_only(client, make_user):
    weert = Municipality.objects.get(cbs_code=WEERT).organisation
    shown = weert.contact_persons.create(
        name="Anna Internationaal", email="anna@weert.test", consent_given_at=timezone.now()
    )
    hidden = weert.contact_persons.create(name="Bert Zonder Toestemming", email="b@weert.test")
    body = text(page(client, WEERT))
    assert shown.name in body and "Contact point" in body
    assert hidden.name not in body and hidden.email not in body
    client.force_login(make_user("contributor", WEERT))
    body = text(page(client, WEERT))
    assert hidden.name in body and "no consent yet" in body


def test_a_networks_page_shows_members_and_its_sections(client):
    network = (
        Organisation.objects.filter(members__isnull=False)
        .exclude(type=Organisation.Type.MUNICIPALITY)
        .distinct()
        .first()
    )
    response = client.get(network.get_absolute_url())
    assert response.status_code == 200
    keys = [shown.key for shown in response.context["sections"]]
    assert "monitor" not in keys  # a municipality's only
    section = context_of(response.context["sections"], "partnerships")
    assert section["members"]
    assert section["members"][0].member.get_absolute_url() in text(response)
    assert "Practices and lessons" in text(response)


# --------------------------------------------------------------------------- the monitor


@pytest.fixture
def wave(db):
    if not Instrument.objects.filter(slug="gib").exists():
        load_instruments()
    wave = monitor_services.create_wave(
        {
            "slug": "gib-pagina",
            "instrument": Instrument.objects.get(slug="gib"),
            "title": "Monitor internationaal beleid (pagina)",
            "period": str(TODAY.year),
            "reference_date": datetime.date(TODAY.year, 1, 1),
            "size_scheme": SizeScheme.objects.get(slug="gib2009"),
            "opens_on": TODAY - datetime.timedelta(days=30),
            "closes_on": TODAY - datetime.timedelta(days=1),  # closed by its dates
        }
    )
    large = list(wave.invitations.filter(size_class=LARGE).exclude(cbs_code=ENSCHEDE))[:5]
    for invitation in [wave.invitations.get(cbs_code=ENSCHEDE), *large]:
        extra = {"raad_onderwerp_1": SECRET} if invitation.cbs_code == ENSCHEDE else {}
        _submit(invitation, nota_beleid="ja_huidige_periode", uren_op_papier=4321, **extra)
    for invitation in wave.invitations.filter(size_class=SMALL).order_by("cbs_code")[:4]:
        _submit(invitation, nota_beleid="nee", uren_op_papier=10)
    return wave


def _submit(invitation, **answers):
    invitation.answers = {"heeft_beleid": "ja", **answers}
    invitation.submitted_at = timezone.now()
    invitation.save()


def _where(wave) -> str:
    return reverse("monitor:where-we-stand", args=[wave.slug])


def test_own_results_for_the_municipality_itself(wave, client, make_user):
    client.force_login(make_user("contributor", ENSCHEDE))
    response = page(client, ENSCHEDE)
    section = context_of(response.context["sections"], "monitor")
    assert section["own"] and not section["facilitator"]
    body = text(response)
    assert "Our monitor results" in body and _where(wave) in body
    assert SECRET not in body  # the page links to the answers, it does not print them


def test_facilitator_sees_participation_but_no_answers(wave, client, facilitator):
    client.force_login(facilitator)
    response = page(client, ENSCHEDE)
    section = context_of(response.context["sections"], "monitor")
    assert section["facilitator"] and not section["own"]
    body = text(response)
    assert "Participation in the monitor" in body and "yes, on" in body
    assert _where(wave) not in body and SECRET not in body


@pytest.mark.parametrize("visitor", ["anonymous", "other municipality"])
def test_others_see_only_aggregates(wave, client, make_user, visitor):
    if visitor == "other municipality":
        client.force_login(make_user("contributor", WEERT))
    response = page(client, ENSCHEDE)
    section = context_of(response.context["sections"], "monitor")
    assert not section["own"] and not section["facilitator"] and not section["participation"]
    body = text(response)
    assert "Our monitor results" not in body and "Participation in the monitor" not in body
    assert _where(wave) not in body and "yes, on" not in body and SECRET not in body
    # The aggregate of Enschede's size class (6 respondents) and of the country (10).
    (aggregate,) = section["aggregates"]
    size_class, total = aggregate["columns"]
    assert size_class["shown"] and size_class["respondents"] == 6
    assert total["total"] and total["respondents"] == 10
    assert reverse("monitor:wave-report", args=[wave.slug]) in body


def test_aggregates_below_the_smallest_group_are_not_shown(wave, client):
    small = wave.invitations.filter(size_class=SMALL, submitted_at__isnull=False).first()
    response = page(client, small.cbs_code)
    (aggregate,) = context_of(response.context["sections"], "monitor")["aggregates"]
    size_class, total = aggregate["columns"]
    assert not size_class["shown"] and size_class["respondents"] is None
    assert size_class["population"] is None and size_class["response"] is None
    assert total["shown"] and total["respondents"] == 10
    body = text(response)
    assert "fewer than 5 answered: not shown" in body
    assert ">4 of " not in body


def test_no_monitor_section_without_an_invitation(client):
    assert context_of(page(client, WEERT).context["sections"], "monitor") is None


# --------------------------------------------------------------------------- queries


def _count(client, url) -> int:
    cache.clear()  # the balance and the report are cached: count the work, not the cache
    # balance_cache marks a transaction that wrote the ledger (and then skips reading its
    # generation); a request of its own starts unmarked.
    connection.ledger_written = False
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _grow(organisation, partner_codes, round_=0):
    """More practices, lessons, questions, offers, partnerships and exchanges."""
    for number in range(round_ * 6, round_ * 6 + 6):
        practice = Practice.objects.create(
            slug=f"groei-{organisation.pk}-{number}", title=f"Groei {number}", summary="...",
            owner=organisation, status=Practice.Status.PUBLISHED,
            kind=Practice.Kind.LESSON if number % 2 else Practice.Kind.PRACTICE,
            transfer=["negatieve-lessen"] if number % 3 == 0 else [],
        )  # fmt: skip
        practice.adoptions.create(organisation=organisation, outcome="overgenomen")
        Question.objects.create(organisation=organisation, title=f"Vraag {number}", text="...")
        Offer.objects.create(organisation=organisation, title=f"Aanbod {number}", text="...")
    for code in partner_codes:
        partnership_services.log_activity(
            {"title": f"Bezoek {code}", "form": "bijeenkomst",
             "start_date": datetime.date(2024, 5, 1)},
            [
                partnership_services.SideInput(
                    partnership_services.parse_party(f"org:{organisation.slug}"),
                    "gave", hours=2,
                ),
                partnership_services.SideInput(
                    partnership_services.parse_party(code), "received", hours=2
                ),
            ],
        )  # fmt: skip
        partnership = Partnership.objects.create(
            slug=f"groei-{organisation.pk}-{code.lower()}", name=f"Groei met {code}"
        )
        partnership.partners.create(organisation=organisation)
        partnership.partners.create(
            organisation=Municipality.objects.get(cbs_code=code).organisation
        )


@pytest.mark.parametrize("logged_in", [False, True])
def test_municipality_page_queries_do_not_grow(wave, client, make_user, logged_in):
    if logged_in:
        client.force_login(make_user("contributor", ENSCHEDE))
    url = reverse("register:municipality-detail", args=[ENSCHEDE])
    enschede = Municipality.objects.get(cbs_code=ENSCHEDE).organisation
    _count(client, url)  # per-process caches (the instrument's parsed questionnaire) filled
    # Grown once, then once more: the second round adds rows of every kind again and the
    # count stays. (The first may differ by one from the seeded page: a second query for
    # partner names when places abroad drop out of the top partners.)
    _grow(enschede, ["GM0988", "GM0086"])
    once = _count(client, url)
    _grow(enschede, ["GM0193", "GM0363"], round_=1)
    twice = _count(client, url)
    assert twice == once, (once, twice)
    assert twice <= 45


def test_organisation_page_queries_do_not_grow(client):
    network = (
        Organisation.objects.filter(members__isnull=False)
        .exclude(type=Organisation.Type.MUNICIPALITY)
        .distinct()
        .first()
    )
    _count(client, network.get_absolute_url())  # per-process caches filled
    _grow(network, ["GM0988", "GM0086"])
    once = _count(client, network.get_absolute_url())
    _grow(network, ["GM0193", "GM0363", "GM0153"], round_=1)
    twice = _count(client, network.get_absolute_url())
    assert twice == once, (once, twice)
    assert twice <= 30
