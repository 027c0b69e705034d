"""Questions, suggestions with explanations, introductions with consent, and bad input."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from kennisschakel.matching import match_index, services
from kennisschakel.matching.models import Introduction, Question
from kennisschakel.partnerships.models import Partnership
from kennisschakel.register.models import ContactPerson, Municipality
from tests.accounts.factories import api_client
from tests.partnerships.factories import PartnershipFactory

pytestmark = pytest.mark.django_db
WEERT_QUESTION = (
    "We zoeken een gemeente die ervaring heeft met het delen van kennis over economische "
    "samenwerking met een Chinese stad"
)


@pytest.fixture(autouse=True)
def fresh_matcher():
    match_index.forget()
    yield
    match_index.forget()


def api_as(user) -> APIClient:
    return api_client(user)  # the user's token in the Authorization header


def test_weert_finds_enschede_and_chinese_places_with_reasons():
    weert = Municipality.objects.get(cbs_code="GM0988")
    # The only bond with a Chinese city is this test's own (not the demo's Enschede–Dalian).
    Partnership.objects.filter(partners__place__country__iso2="CN").delete()
    PartnershipFactory(
        name="Zwolle – Harbin economische samenwerking",
        partners=["GM0193", "place: Harbin, CN"],
        motives=["economische-ontwikkeling"],
        domains=["lokale-economie-en-werkgelegenheid"],
    )
    found = services.find_matches(WEERT_QUESTION, weert, international=True)
    keys = [s.key for s in found]
    assert "municipality:GM0193" in keys  # Zwolle works with Harbin
    assert any(s.type == "place" and s.name.startswith("Harbin (China)") for s in found)
    assert "municipality:GM0988" not in keys  # never the asker itself
    zwolle = next(s for s in found if s.key == "municipality:GM0193")
    assert zwolle.explanation and all(isinstance(line, str) and line for line in zwolle.explanation)
    assert len(zwolle.explanation) == sum(1 for v in zwolle.signals.values() if v > 0)


def test_person_without_consent_never_appears():
    enschede = Municipality.objects.get(cbs_code="GM0153").organisation
    secret = ContactPerson.objects.create(
        organisation=enschede,
        name="Xandra Verborgen",
        role="adviseur",
        expertise="xylofoonbeleid en gemeentelijke xylofoons",
    )
    found = services.find_matches("Wie weet iets van xylofoonbeleid?", limit=50)
    assert all("Verborgen" not in s.name for s in found)
    assert all("Verborgen" not in " ".join(s.explanation) for s in found)
    secret.consent_given_at = timezone.now()
    secret.save()
    match_index.forget()
    found = services.find_matches("Wie weet iets van xylofoonbeleid?", limit=50)
    assert any(s.key == f"person:{secret.pk}" for s in found)
    secret.consent_withdrawn_at = timezone.now()
    secret.save()
    found = services.find_matches("Wie weet iets van xylofoonbeleid?", limit=50)
    assert all(s.key != f"person:{secret.pk}" for s in found)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "minstens 10 tekens"),
        ("   kort  ", "minstens 10 tekens"),
        ("x" * 10_000, "10000 tekens"),
    ],
)
def test_empty_or_huge_questions_are_refused(client, text, fragment):
    page = client.get(reverse("matching:ask"), {"text": text})
    assert page.status_code == 400 and fragment in page.content.decode()
    response = APIClient().post("/api/v1/matches", {"text": text}, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert fragment in json.dumps(response.json(), ensure_ascii=False)
    with pytest.raises(CommandError, match="tekens"):
        call_command("match", text)


def test_unknown_cbs_code_in_cli_and_api():
    with pytest.raises(CommandError, match="GM9999"):
        call_command("match", WEERT_QUESTION, "--municipality", "GM9999")
    response = APIClient().post(
        "/api/v1/matches", {"text": WEERT_QUESTION, "municipality": "GM9999"}, format="json"
    )
    assert response.status_code == 400 and "GM9999" in response.content.decode()


def test_cli_prints_ranked_json(capsys):
    call_command(
        "match",
        WEERT_QUESTION,
        "--municipality",
        "GM0988",
        "--international",
        "--limit",
        "5",
        "--json",
    )
    rows = json.loads(capsys.readouterr().out)
    assert 1 <= len(rows) <= 5
    assert set(rows[0]) == {"type", "id", "name", "score", "explanation", "notes"}
    scores = [row["score"] for row in rows]
    assert scores == sorted(scores, reverse=True)


def test_introduction_flow_with_consent_and_privacy(
    client,
    weert_contributor,
    enschede_contributor,
    make_user,
    smtp_server,
    django_capture_on_commit_callbacks,
):
    question = Question.objects.create(
        organisation=weert_contributor.organisation,
        title="Economie en China",
        text=WEERT_QUESTION,
        international=True,
        created_by=weert_contributor,
    )
    client.force_login(weert_contributor)
    url = reverse("matching:introduction-create")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "key": "municipality:GM0153",
                "question": question.pk,
                "message": "Wij willen graag leren van uw band met Dalian.",
            },
        )
    assert response.status_code == 302
    introduction = Introduction.objects.get(question=question)
    assert enschede_contributor.email in smtp_server.messages[-1]["to"]
    assert weert_contributor.email not in smtp_server.messages[-1]["to"]
    # Before acceptance, no contact details on either side.
    page = client.get(introduction.get_absolute_url()).content.decode()
    assert enschede_contributor.email not in page
    # A third municipality sees nothing of it.
    outsider = make_user("contributor", "GM0363", email="iemand@amsterdam.test")
    client.force_login(outsider)
    assert client.get(introduction.get_absolute_url()).status_code == 404
    assert api_as(outsider).get(f"/api/v1/introductions/{introduction.pk}").status_code == 404
    # The asker cannot answer its own request; Enschede can.
    assert (
        api_as(weert_contributor)
        .post(f"/api/v1/introductions/{introduction.pk}/answer", {"accept": True}, format="json")
        .status_code
        == 403
    )
    client.force_login(enschede_contributor)
    with django_capture_on_commit_callbacks(execute=True):
        answered = client.post(
            introduction.get_absolute_url(), {"accept": "yes", "response": "Graag!"}
        )
    assert answered.status_code == 302
    introduction.refresh_from_db()
    assert introduction.status == Introduction.Status.ACCEPTED
    question.refresh_from_db()
    assert question.status == Question.Status.IN_CONVERSATION
    mails = {m["to"][0]: m["message"].get_content() for m in smtp_server.messages[-2:]}
    assert enschede_contributor.email in mails[weert_contributor.email]
    assert weert_contributor.email in mails[enschede_contributor.email]
    client.force_login(weert_contributor)
    page = client.get(introduction.get_absolute_url()).content.decode()
    assert enschede_contributor.email in page
    assert reverse("partnerships:activity-create") in page


def test_declined_introduction_is_invisible_to_others(
    weert_contributor, enschede_contributor, make_user
):
    introduction = services.request_introduction(
        weert_contributor, "municipality:GM0153", "Kunnen we eens praten over afval?"
    )
    services.answer_introduction(introduction, enschede_contributor, accept=False)
    outsider = make_user("contributor", "GM0363", email="ander@amsterdam.test")
    assert not services.introductions_visible_to(outsider).filter(pk=introduction.pk).exists()
    listed = api_as(outsider).get("/api/v1/introductions").json()
    assert listed["count"] == 0
    body = api_as(weert_contributor).get(f"/api/v1/introductions/{introduction.pk}").json()
    assert body["status"] == "declined" and body["contacts"] is None


def test_introduction_bad_input(weert_contributor):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="eigen organisatie"):
        services.request_introduction(
            weert_contributor, "municipality:GM0988", "Hallo, even praten?"
        )
    with pytest.raises(ValidationError):
        services.request_introduction(
            weert_contributor, "municipality:GM9999", "Hallo, even praten?"
        )
    with pytest.raises(ValidationError, match="paar woorden"):
        services.request_introduction(weert_contributor, "municipality:GM0153", "hoi")
    services.request_introduction(weert_contributor, "municipality:GM0153", "Hallo, even praten?")
    with pytest.raises(ValidationError, match="al om een introductie"):
        services.request_introduction(weert_contributor, "municipality:GM0153", "Nog een keer?")


def test_questions_api_and_pages(weert_contributor, enschede_contributor, client):
    client.force_login(weert_contributor)
    response = client.post(
        reverse("matching:question-create"),
        {
            "title": "Fietsparkeren",
            "text": "Hoe regelen andere gemeenten fietsparkeren bij stations?",
        },
    )
    assert response.status_code == 302
    question = Question.objects.get(title="Fietsparkeren")
    page = client.get(question.get_absolute_url())
    assert page.status_code == 200 and "Fietsparkeren" in page.content.decode()
    denied = api_as(enschede_contributor).patch(
        f"/api/v1/questions/{question.pk}", {"title": "Overgenomen"}, format="json"
    )
    assert denied.status_code == 403
    created = api_as(weert_contributor).post(
        "/api/v1/offers",
        {"title": "Basiskaart", "text": "Wij delen onze ervaring met de basiskaart."},
        format="json",
    )
    assert (
        created.status_code == 201
        and created.json()["municipality"] == weert_contributor.organisation.slug
    )
    matches = api_as(weert_contributor).get(f"/api/v1/questions/{question.pk}/matches")
    assert matches.status_code == 200 and isinstance(matches.json(), list)


def test_international_partner_search_and_network_suggestions(client, enschede_contributor):
    client.force_login(enschede_contributor)
    page = client.get(reverse("matching:international"), {"country": "CN"})
    assert page.status_code == 200
    rows = page.context["places"]
    assert rows and any(dutch for _place, dutch in rows)
    assert any("Enschede" in str(row.organisation) for _place, dutch in rows for row in dutch)
    networks = {entry["network"].slug for entry in page.context["networks"]}
    assert "unitown" in networks  # Enschede is a university city


def test_explanations_in_english_and_limit_checked(capsys):
    call_command("match", WEERT_QUESTION, "--municipality", "GM0988", "--international",
                 "--json", "--language", "en", "--limit", "3")  # fmt: skip
    rows = json.loads(capsys.readouterr().out)
    lines = [line for row in rows for line in row["explanation"]]
    assert any(line.startswith("matches your question on:") for line in lines)
    assert any("partnership in China" in line or "lies in China" in line for line in lines)
    too_many = APIClient().post(
        "/api/v1/matches", {"text": WEERT_QUESTION, "limit": 500}, format="json"
    )
    assert too_many.status_code == 400 and "limit" in too_many.content.decode()
