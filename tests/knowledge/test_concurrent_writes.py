"""Writes that race: same-title creations (unique slugs) and two editors of one practice.

These tests run real threads against a database whose commits are real
(``committed_db``), on SQLite and PostgreSQL alike.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from kennisschakel.accounts.models import Role
from kennisschakel.knowledge.models import Practice
from kennisschakel.knowledge.services import save_practice
from kennisschakel.knowledge.spreadsheets import import_practices
from kennisschakel.register.models import Organisation, PolicyDomain
from tests.concurrency import errors, run_in_threads

PARALLEL = 20
TITLE = "Dezelfde titel voor iedereen"


def new_practice(owner, title=TITLE, status=Practice.Status.PUBLISHED):
    practice = Practice(
        title=title,
        summary="Een korte samenvatting van de aanpak.",
        owner=owner,
        status=status,
    )
    domain = PolicyDomain.objects.get(slug="armoede-en-schulden")
    return save_practice(practice, None, relations={"domains": [domain]})


def api_as(user):
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_parallel_same_title_creations_through_the_service_all_succeed(committed_db):
    owner = Organisation.objects.get(slug="gm0153")
    outcomes = run_in_threads(new_practice, [(owner,)] * PARALLEL)
    assert errors(outcomes) == []
    slugs = [o.value.slug for o in outcomes]
    assert len(set(slugs)) == PARALLEL
    stored = Practice.objects.filter(title=TITLE)
    assert stored.count() == PARALLEL
    assert {p.slug for p in stored} == set(slugs)
    assert all(re.fullmatch(r"dezelfde-titel-voor-iedereen(-[0-9a-f]+)?", s) for s in slugs)


def test_parallel_same_title_creations_through_the_api_all_succeed(committed_db, make_user):
    user = make_user(Role.CONTRIBUTOR, "GM0153")
    Token.objects.get_or_create(user=user)
    body = {
        "title": TITLE,
        "summary": "Een korte samenvatting van de aanpak.",
        "domains": ["armoede-en-schulden"],
    }

    def create():
        response = api_as(user).post("/api/v1/practices", body, format="json")
        return response.status_code, response.json().get("slug")

    outcomes = run_in_threads(create, [()] * PARALLEL)
    assert errors(outcomes) == []
    statuses = [o.value[0] for o in outcomes]
    assert statuses == [201] * PARALLEL
    assert len({o.value[1] for o in outcomes}) == PARALLEL
    assert Practice.objects.filter(title=TITLE).count() == PARALLEL


def test_parallel_imports_of_the_same_titles_all_succeed(committed_db, make_user):
    user = make_user(Role.CONTRIBUTOR, "GM0153")
    content = (
        "titel,samenvatting,domeinen\n"
        + "".join(
            f"{TITLE} {n},Huisbezoeken bij beginnende schulden.,armoede-en-schulden\n"
            for n in range(3)
        )
    ).encode()
    imports = 6
    outcomes = run_in_threads(import_practices, [("p.csv", content, user)] * imports)
    assert errors(outcomes) == []
    assert all(not o.value.problems for o in outcomes)
    stored = Practice.objects.filter(title__startswith=TITLE)
    assert stored.count() == 3 * imports
    assert len({p.slug for p in stored}) == 3 * imports


def edit_data(form, **changes):
    """What a browser posts back: the form's initial values with some fields changed."""
    data = {k: v for k, v in form.initial.items() if v not in (None, [])}
    data["domains"] = [d.pk for d in form.initial["domains"]]
    data["languages"] = form.fields["languages"].prepare_value(form.initial["languages"])
    data["tags"] = form.fields["tags"].prepare_value(form.initial["tags"])
    data.pop("co_owners", None)
    data.pop("contacts", None)
    data.update(changes)
    return data


@pytest.mark.django_db
def test_second_editor_is_told_what_changed_and_keeps_their_input(make_user):
    owner = Organisation.objects.get(slug="gm0153")
    practice = new_practice(owner, title="Schuldhulp aan de keukentafel")
    first, second = Client(), Client()
    first.force_login(make_user(Role.CONTRIBUTOR, "GM0153", email="een@test.example"))
    second.force_login(make_user(Role.CONTRIBUTOR, "GM0153", email="twee@test.example"))
    url = reverse("knowledge:practice-edit", args=[practice.slug])
    first_form = first.get(url).context["form"]
    second_form = second.get(url).context["form"]

    response = first.post(url, edit_data(first_form, title="Schuldhulp thuis, vernieuwd"))
    assert response.status_code == 302
    typed = "Mijn eigen zorgvuldig getypte samenvatting die niet verloren mag gaan."
    response = second.post(url, edit_data(second_form, summary=typed))

    assert response.status_code == 409
    body = response.content.decode()
    assert "Iemand anders heeft deze pagina opgeslagen" in body
    assert "Titel: “Schuldhulp thuis, vernieuwd”" in body  # which field, and its new value
    assert typed in body  # nothing this editor typed is lost
    practice.refresh_from_db()
    assert practice.title == "Schuldhulp thuis, vernieuwd"
    assert practice.summary != typed
    # Fields only the other changed show their new value; the form carries the new version,
    # so saving again keeps both people's work.
    form = response.context["form"]
    assert form.data["title"] == "Schuldhulp thuis, vernieuwd"
    response = second.post(url, {key: form.data.getlist(key) for key in form.data})
    assert response.status_code == 302
    practice.refresh_from_db()
    assert (practice.title, practice.summary) == ("Schuldhulp thuis, vernieuwd", typed)


def test_parallel_saves_of_one_loaded_version_let_exactly_one_win(committed_db, make_user):
    owner = Organisation.objects.get(slug="gm0153")
    practice = new_practice(owner, title="Schuldhulp aan de keukentafel")
    users = [
        make_user(Role.CONTRIBUTOR, "GM0153", email=f"editor{i}@test.example") for i in range(10)
    ]
    url = reverse("knowledge:practice-edit", args=[practice.slug])
    clients, forms = [], []
    for user in users:
        client = Client()
        client.force_login(user)
        clients.append(client)
        forms.append(client.get(url).context["form"])

    def save(index):
        data = edit_data(forms[index], summary=f"Samenvatting van redacteur {index}.")
        return clients[index].post(url, data).status_code

    outcomes = run_in_threads(save, [(i,) for i in range(len(users))])
    assert errors(outcomes) == []
    statuses = sorted(o.value for o in outcomes)
    assert statuses == [302] + [409] * (len(users) - 1)
    practice.refresh_from_db()
    winner = statuses and next(i for i, o in enumerate(outcomes) if o.value == 302)
    assert practice.summary == f"Samenvatting van redacteur {winner}."
    assert practice.version == 2


@pytest.mark.django_db
def test_api_patch_with_a_stale_etag_is_refused_with_412(enschede_contributor):
    practice = new_practice(Organisation.objects.get(slug="gm0153"))
    client = api_as(enschede_contributor)
    url = f"/api/v1/practices/{practice.slug}"
    etag = client.get(url)["ETag"]
    assert etag == f'"{practice.version}"'

    first = client.patch(url, {"title": "Eerste wijziging"}, format="json", HTTP_IF_MATCH=etag)
    assert first.status_code == 200
    assert first["ETag"] != etag
    stale = client.patch(url, {"title": "Tweede wijziging"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert stale["Content-Type"] == "application/problem+json"
    assert "Iemand anders" in stale.json()["detail"]
    practice.refresh_from_db()
    assert practice.title == "Eerste wijziging"

    # The version may also travel in the body.
    body = {"title": "Derde wijziging", "version": 1}
    assert client.patch(url, body, format="json").status_code == 412
    body["version"] = practice.version
    assert client.patch(url, body, format="json").status_code == 200
    garbage = client.patch(url, {"title": "Vierde"}, format="json", HTTP_IF_MATCH='"abc"')
    assert garbage.status_code == 412


def test_saving_a_practice_deleted_meanwhile_is_a_404_not_a_500(db):
    from django.http import Http404

    from kennisschakel.core.versioning import claim_version

    owner = Organisation.objects.get(slug="gm0988")
    practice = new_practice(owner, title="Wordt zo meteen verwijderd")
    loaded_version = practice.version
    Practice.objects.filter(pk=practice.pk).delete()

    with pytest.raises(Http404):
        claim_version(practice, loaded_version)
