"""Answering with an access code: codes, lock-out, autosave, routing, review, submit, email."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from kennisschakel.monitor import services
from kennisschakel.monitor.models import AccessCode, CodeAttempt, Instrument, Invitation, Wave
from tests.monitor.factories import WaveFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def make_wave(slug="gib-proef", **overrides):
    """The GIB monitor of this year, open by its dates unless ``overrides`` move them."""
    return WaveFactory(slug=slug, title="Monitor internationaal beleid (proef)", **overrides)


@pytest.fixture
def wave():
    return make_wave()


def code_for(wave, cbs_code="GM0153"):
    return services.issue_code(wave.invitations.get(cbs_code=cbs_code))


def enter(client, wave, code):
    return client.post(reverse("monitor:answer-start", args=[wave.slug]), {"code": code})


def test_population_follows_the_register_and_mergers():
    current = make_wave()
    assert current.invitations.count() == 342
    enschede = current.invitations.get(cbs_code="GM0153")
    assert enschede.size_class == "gib2009-100k-plus" and enschede.province == "Overijssel"
    older = make_wave("gib-2019", reference_date=datetime.date(2019, 1, 1))
    # 2019 had 355 municipalities (CBS); municipalities merged away since have no size class.
    assert older.invitations.count() == 355
    gone = older.invitations.filter(municipality__isnull=True)
    assert gone.exists() and not gone.exclude(size_class="").exists()


def test_codes_are_random_and_only_their_hash_is_stored(wave):
    issued = services.issue_letter_codes(wave)
    codes = [code for _invitation, code in issued]
    assert len(codes) == 342 and len(set(codes)) == 342
    assert all(len(code.replace("-", "")) == 26 for code in codes)  # 26 × 5 bits ≥ 128
    stored = set(AccessCode.objects.values_list("digest", flat=True))
    assert not stored & set(codes)
    assert services.code_digest(codes[0]) in stored
    # A new batch of letters replaces the old codes.
    invitation, old = issued[0]
    services.issue_letter_codes(wave)
    with pytest.raises(services.CodeRejected):
        services.check_code(wave, old, "10.0.0.1")


def test_code_is_forgiving_about_typing(wave):
    code = code_for(wave)
    typed = code.lower().replace("-", " ").replace("O", "0").replace("I", "1")
    assert services.check_code(wave, typed, "10.0.0.2").cbs_code == "GM0153"


def test_code_useless_for_another_wave_and_after_the_dates(wave, client):
    code = code_for(wave)
    other = make_wave("gib-ander")
    with pytest.raises(services.CodeRejected) as rejected:
        services.check_code(other, code, "10.0.0.3")
    assert rejected.value.reason == "unknown"
    # Before its opening date and once its results have closed, a code does nothing.
    early = make_wave("gib-vroeg", opens_on=TODAY + datetime.timedelta(days=1))
    expired = make_wave("gib-verlopen", closes_on=TODAY - datetime.timedelta(days=400),
                        opens_on=TODAY - datetime.timedelta(days=409))  # fmt: skip
    for shut in (early, expired):
        with pytest.raises(services.CodeRejected) as rejected:
            services.check_code(shut, code_for(shut), "10.0.0.3")
        assert rejected.value.reason == "closed"
    response = enter(client, early, code_for(early))
    assert response.status_code == 403
    assert "gaat open op" in response.content.decode()
    response = enter(client, expired, code_for(expired))
    assert response.status_code == 403
    assert "kunnen niet meer met een code" in response.content.decode()


def test_a_right_code_does_not_wipe_the_series_of_wrong_ones(wave, client):
    """Issue 10 B10: a valid code used to reset the counter, so a guesser could go on
    for ever by interleaving a code of his own."""
    good = code_for(wave)
    for _attempt in range(9):
        assert enter(client, wave, "AAAAA-BBBBB").status_code == 400
    assert enter(client, wave, good).status_code == 302  # the right code still works
    client.post(reverse("monitor:answer-leave", args=[wave.slug]))
    assert enter(client, wave, "AAAAA-BBBBB").status_code == 400  # the tenth wrong one
    for _attempt in range(5):
        assert enter(client, wave, "AAAAA-BBBBB").status_code == 429
    locked = enter(client, wave, good)
    assert locked.status_code == 429 and int(locked["Retry-After"]) > 0
    assert "Te veel" in locked.content.decode()
    assert CodeAttempt.objects.get(key="client:127.0.0.1").failures == 10


def test_answer_page_by_page_with_routing_review_and_submit(
    wave, client, smtp_server, django_capture_on_commit_callbacks
):
    enter(client, wave, code_for(wave))
    first = client.get(reverse("monitor:answer-block", args=[wave.slug, "invuller"]))
    assert first.status_code == 200 and "Enschede" in first.content.decode()
    beleid = reverse("monitor:answer-block", args=[wave.slug, "beleid"])
    # No policy: the reasons question applies, the activities question does not.
    response = client.post(
        beleid, {"heeft_beleid": "nee", "redenen_geen_beleid": ["geen_prioriteit"]}
    )
    assert response.status_code == 302
    assert response.url == reverse("monitor:answer-review", args=[wave.slug])
    invitation = Invitation.objects.get(wave=wave, cbs_code="GM0153")
    assert invitation.answers == {"heeft_beleid": "nee", "redenen_geen_beleid": ["geen_prioriteit"]}
    # The pages for municipalities with a policy are skipped.
    skipped = client.get(reverse("monitor:answer-block", args=[wave.slug, "organisatie"]))
    assert skipped.status_code == 302
    review = client.get(reverse("monitor:answer-review", args=[wave.slug])).content.decode()
    assert "Geen prioriteit" in review or "geen prioriteit" in review.lower()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            reverse("monitor:answer-review", args=[wave.slug]),
            {"receipt_email": "secretaris@enschede.test"},
        )
    assert done.status_code == 302
    invitation.refresh_from_db()
    assert invitation.submitted_at is not None
    receipt = smtp_server.messages[-1]
    assert receipt["to"] == ["secretaris@enschede.test"]
    assert "Enschede" in receipt["message"].get_content()
    # Submitted answers no longer change.
    assert client.post(beleid, {"heeft_beleid": "ja"}).status_code == 302
    invitation.refresh_from_db()
    assert invitation.answers["heeft_beleid"] == "nee"


def test_bad_input_is_explained_kept_and_not_analysed(wave, client):
    enter(client, wave, code_for(wave))
    invitation = Invitation.objects.get(wave=wave, cbs_code="GM0153")
    invitation.answers = {"heeft_beleid": "ja"}
    invitation.save()
    url = reverse("monitor:answer-block", args=[wave.slug, "organisatie"])
    response = client.post(url, {"organisatievorm": ["ingebed"], "uren_op_papier": "2500",
                                 "uren_in_praktijk": "twaalf"})  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 400
    assert "2000" in body and "twaalf" in body  # the bound, and what was typed is still there
    invitation.refresh_from_db()
    assert "uren_op_papier" not in invitation.answers
    assert invitation.invalid_input == {"uren_op_papier": "2500", "uren_in_praktijk": "twaalf"}
    assert invitation.answers["organisatievorm"] == ["ingebed"]  # valid answers were saved
    review = client.post(reverse("monitor:answer-review", args=[wave.slug]), {})
    # Refused with the review page and its reason (issue 14: not a bare 400 page).
    assert review.status_code == 200 and "niet ingediend" in review.content.decode()
    invitation.refresh_from_db()
    assert invitation.submitted_at is None


def test_review_links_each_missing_answer_and_submit_waits_for_them(wave, client):
    """Issue 14 item 6: each missing required answer links straight to its question;
    the button is disabled with the reason; a crafted POST gets the page, not a 400."""
    enter(client, wave, code_for(wave))
    invitation = Invitation.objects.get(wave=wave, cbs_code="GM0153")
    services.save_answers(invitation, {"heeft_beleid": "ja", "uren_op_papier": "-5"})
    url = reverse("monitor:answer-review", args=[wave.slug])
    page = client.get(url)
    body = page.content.decode()
    missing = [q.code for q in services.missing_answers(invitation)]
    assert "activiteiten" in missing and "nota_beleid" in missing
    for code in missing:
        block = wave.instrument.engine().question(code).block
        assert f'href="/monitor/{wave.slug}/vragen/{block}/#q-{code}"' in body
    # The invalid number is listed too, with its own link.
    assert f'href="/monitor/{wave.slug}/vragen/organisatie/#q-uren_op_papier"' in body
    assert re.search(r'<button type="submit" disabled aria-describedby="submit-reason">', body)
    assert 'id="submit-reason"' in body and "Indienen kan zodra" in body
    # Each link's target exists on its page: the anchor the browser focuses.
    target = client.get(f"/monitor/{wave.slug}/vragen/aandacht/").content.decode()
    assert 'id="q-nota_beleid"' in target
    crafted = client.post(url, {"receipt_email": "a@b.test"})
    assert crafted.status_code == 200
    assert "De antwoorden zijn niet ingediend." in crafted.content.decode()
    assert 'value="a@b.test"' in crafted.content.decode()  # what was typed stays
    invitation.refresh_from_db()
    assert invitation.submitted_at is None
    # Once nothing is missing or invalid, the button is enabled.
    services.save_answers(invitation, {"heeft_beleid": "nee", "uren_op_papier": "",
                                       "redenen_geen_beleid": ["geen_taak"]})  # fmt: skip
    ready = client.get(url).content.decode()
    assert "submit-reason" not in ready
    assert '<button type="submit">De antwoorden indienen' in ready


def test_autosave_saves_each_answer_and_twice_is_harmless(wave, client):
    enter(client, wave, code_for(wave))
    url = reverse("monitor:answer-autosave", args=[wave.slug])
    for _twice in range(2):
        response = client.post(url, {"heeft_beleid": "ja"}, content_type="application/json")
        assert response.status_code == 200, response.content
    assert response.json()["saved"] == ["heeft_beleid"]
    bad = client.post(url, {"uren_op_papier": "-3"}, content_type="application/json")
    assert bad.status_code == 400 and "uren_op_papier" in bad.json()["errors"]
    invitation = Invitation.objects.get(wave=wave, cbs_code="GM0153")
    assert invitation.answers == {"heeft_beleid": "ja"}
    client.post(reverse("monitor:answer-leave", args=[wave.slug]))
    assert (
        client.post(url, {"heeft_beleid": "nee"}, content_type="application/json").status_code
        == 403
    )


def test_another_municipality_is_unreachable(wave, client):
    enschede = Invitation.objects.get(wave=wave, cbs_code="GM0153")
    services.save_answers(enschede, {"heeft_beleid": "ja", "activiteiten": ["stedenband"]})
    enter(client, wave, code_for(wave, "GM0988"))
    page = client.get(reverse("monitor:answer-review", args=[wave.slug])).content.decode()
    assert "Weert" in page and "Enschede" not in page
    assert "Stedenband" not in page and "stedenband" not in page
    # The API answers only with the code holder's own answers.
    from rest_framework.test import APIClient

    api = APIClient()
    weert_code = code_for(wave, "GM0988")
    own = api.get(f"/api/v1/waves/{wave.slug}/answers", HTTP_X_ACCESS_CODE=weert_code).json()
    assert own["cbs_code"] == "GM0988" and own["answers"] == {}
    nothing = api.get(f"/api/v1/waves/{wave.slug}/answers", HTTP_X_ACCESS_CODE="XXXXX")
    assert nothing.status_code == 401 and nothing["Content-Type"] == "application/problem+json"


def test_forward_to_a_colleague_and_remind(
    wave, client, smtp_server, django_capture_on_commit_callbacks
):
    enter(client, wave, code_for(wave))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("monitor:answer-forward", args=[wave.slug]),
            {"email": "collega@enschede.test", "note": "Blok 3 graag"},
        )
    assert response.status_code == 302
    mail = smtp_server.messages[-1]
    assert mail["to"] == ["collega@enschede.test"]
    text = mail["message"].get_content()
    code = next(line.split()[-1] for line in text.splitlines() if line.startswith("Toegangscode"))
    assert services.check_code(wave, code, "10.0.0.9").cbs_code == "GM0153"

    Invitation.objects.filter(wave=wave, cbs_code__in=["GM0988", "GM0193"]).update(
        email="x@gemeente.test"
    )
    Invitation.objects.filter(wave=wave, cbs_code="GM0193").update(
        submitted_at=datetime.datetime.now(datetime.UTC)
    )
    before = len(smtp_server.messages)
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after commit
        assert services.send_reminders(wave) == 1  # Weert only: Zwolle has submitted
    assert len(smtp_server.messages) == before + 1


def test_facilitator_prints_letters_and_emails(
    wave, client, facilitator, smtp_server, django_capture_on_commit_callbacks
):
    from tests.files.flow import ask_for_file, fetch_made_file

    Invitation.objects.filter(wave=wave, cbs_code="GM0153").update(email="bestuur@enschede.test")
    client.force_login(facilitator)
    from kennisschakel.monitor.views.tokens import new_stamp

    url = reverse("monitor:wave-bulk", args=[wave.slug, "letters"])
    job = ask_for_file(
        client, url, {"stamp": new_stamp()}, capture=django_capture_on_commit_callbacks
    )
    content = fetch_made_file(client, job, capture=django_capture_on_commit_callbacks)
    pages = PdfReader(io.BytesIO(content)).pages
    assert len(pages) == 342  # one page per municipality
    first = pages[0].extract_text()
    code = next(line.strip() for line in first.splitlines() if line.count("-") == 5)
    invitation = services.check_code(wave, code, "10.0.0.7")
    assert invitation.cbs_code in first
    done = client.get(reverse("files:job", args=[job])).content.decode()
    assert "342 brieven, 1 e-mail" in done
    assert smtp_server.messages[-1]["to"] == ["bestuur@enschede.test"]


def test_only_facilitators_run_waves(client, enschede_contributor, facilitator, wave):
    client.force_login(enschede_contributor)
    letters = reverse("monitor:wave-bulk", args=[wave.slug, "letters"])
    assert client.get(letters).status_code == 403
    assert client.post(letters, {"stamp": "x"}).status_code == 403
    assert client.get(reverse("monitor:wave-create")).status_code == 403
    assert client.get(reverse("monitor:wave-export", args=[wave.slug, "csv"])).status_code == 403
    detail = client.get(wave.get_absolute_url()).content.decode()
    assert "Respons per grootteklasse" not in detail
    client.force_login(facilitator)
    page = client.get(wave.get_absolute_url())
    assert page.context["monitor"]["totals"]["invited"] == 342


def test_create_wave_form_checks_dates_and_takes_the_scheme(client, facilitator):
    client.force_login(facilitator)
    data = {
        "instrument": Instrument.objects.get(slug="gib").pk,
        "title": "GIB 2027",
        "period": "2027",
        "reference_date": "2027-01-01",
        "opens_on": "2027-03-01",
        "closes_on": "2027-02-01",
        "min_cell": "5",
    }
    response = client.post(reverse("monitor:wave-create"), data)
    body = response.content.decode()
    assert response.status_code == 400 and not Wave.objects.exists()
    assert "De sluitingsdatum ligt vóór de openingsdatum" in body
    data.update(closes_on="2027-04-01")
    assert client.post(reverse("monitor:wave-create"), data).status_code == 302
    wave = Wave.objects.get(slug="gib-2027")  # the address from the title
    assert wave.invitations.count() == 342 and wave.size_scheme.slug == "gib2009"


def test_api_waves_and_answers(wave, facilitator, enschede_contributor):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    api = APIClient()
    token, _ = Token.objects.get_or_create(user=enschede_contributor)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get(f"/api/v1/waves/{wave.slug}/invitations").status_code == 403
    assert api.get(f"/api/v1/waves/{wave.slug}/report").status_code == 403  # not closed yet
    token, _ = Token.objects.get_or_create(user=facilitator)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    states = api.get(f"/api/v1/waves/{wave.slug}/invitations").json()
    assert states["count"] == 342 and "answers" not in states["results"][0]

    holder = APIClient()
    code = code_for(wave)
    url = f"/api/v1/waves/{wave.slug}/answers"
    saved = holder.patch(url, {"answers": {"heeft_beleid": "nee"}}, format="json",
                         HTTP_X_ACCESS_CODE=code)  # fmt: skip
    assert saved.status_code == 200 and saved.json()["missing_required"] == ["redenen_geen_beleid"]
    bad = holder.patch(url, {"answers": {"redenen_geen_beleid": ["onbekend"]}}, format="json",
                       HTTP_X_ACCESS_CODE=code)  # fmt: skip
    assert bad.status_code == 400 and bad["Content-Type"] == "application/problem+json"
    assert "onbekend" in str(bad.json())
    early = holder.post(f"{url}/submit", {}, format="json", HTTP_X_ACCESS_CODE=code)
    assert early.status_code == 400
    holder.patch(url, {"answers": {"redenen_geen_beleid": ["geen_taak"]}}, format="json",
                 HTTP_X_ACCESS_CODE=code)  # fmt: skip
    submitted = holder.post(f"{url}/submit", {}, format="json", HTTP_X_ACCESS_CODE=code)
    assert submitted.status_code == 200 and submitted.json()["submitted_at"]
