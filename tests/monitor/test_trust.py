"""Issue 10, the monitor's doors: lock-out per client and per wave (B10), logout by POST
only (B11), results for the code holder after closing (C18), formula-safe exports
(D21), malformed answers (D22), import limits (D23) and forwarding limits (D24).

Pages are asserted in Dutch (the default language), on stable fragments.
"""

import datetime
import io
import json
import logging

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from kennisschakel.core.tabular import csv_cell, escape_formula, unescape_formula
from kennisschakel.engines import survey
from kennisschakel.monitor import imports, services
from kennisschakel.monitor.models import AccessCode, CodeAttempt, Invitation
from tests.background import run_queued_tasks
from tests.monitor.test_answering import code_for, enter, make_wave

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
WRONG = "AAAAA-BBBBB-CCCCC"


@pytest.fixture
def wave():
    return make_wave()


@pytest.fixture
def closed_wave():
    """Closed yesterday; the results are open to each municipality's own code."""
    return make_wave(
        "gib-gesloten",  # closed by its dates
        opens_on=TODAY - datetime.timedelta(days=30),
        closes_on=TODAY - datetime.timedelta(days=1),
    )


def start_url(wave):
    return reverse("monitor:answer-start", args=[wave.slug])


def autosave_url(wave):
    return reverse("monitor:answer-autosave", args=[wave.slug])


def answers_url(wave):
    return f"/api/v1/waves/{wave.slug}/answers"


# --------------------------------------------------------------------------- B10 lock-out


def test_one_locked_out_client_does_not_lock_out_another(wave, client):
    good = code_for(wave)
    for _attempt in range(10):
        assert client.post(start_url(wave), {"code": WRONG}).status_code == 400
    assert client.post(start_url(wave), {"code": good}).status_code == 429
    other = client.__class__(REMOTE_ADDR="192.0.2.44")
    assert other.post(start_url(wave), {"code": good}).status_code == 302
    assert CodeAttempt.objects.get(key="client:192.0.2.44").failures == 0


def test_behind_a_trusted_proxy_each_client_has_its_own_count(wave, client, settings):
    """Behind the reverse proxy every request comes from the proxy's address: with the
    proxy trusted, the client in X-Forwarded-For is counted, not the proxy."""
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    good = code_for(wave)
    for _attempt in range(10):
        client.post(start_url(wave), {"code": WRONG}, HTTP_X_FORWARDED_FOR="198.51.100.7")
    locked = client.post(start_url(wave), {"code": good}, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert locked.status_code == 429
    other = client.post(start_url(wave), {"code": good}, HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert other.status_code == 302


def test_without_trusted_proxy_a_forged_header_does_not_escape_the_lockout(wave, client):
    for index in range(10):
        client.post(start_url(wave), {"code": WRONG}, HTTP_X_FORWARDED_FOR=f"203.0.113.{index}")
    assert (
        client.post(
            start_url(wave), {"code": WRONG}, HTTP_X_FORWARDED_FOR="203.0.113.99"
        ).status_code
        == 429
    )


def test_wave_under_attack_slows_only_clients_that_guessed_wrong(wave, settings):
    """Past the per-wave limit, a client with a wrong code in its window waits; clients
    with a clean record (the municipalities) still get in."""
    settings.MONITOR_CODE_WAVE_FAILURE_LIMIT = 3
    good = code_for(wave)
    for address in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):
        with pytest.raises(services.CodeRejected):
            services.check_code(wave, WRONG, address)
    with pytest.raises(services.CodeRejected) as rejected:
        services.check_code(wave, good, "192.0.2.1")  # guessed before: not looked up
    assert rejected.value.reason == "wave_locked" and rejected.value.retry_after > 0
    assert services.check_code(wave, good, "192.0.2.50").cbs_code == "GM0153"  # clean
    with pytest.raises(services.CodeRejected) as rejected:
        services.check_code(wave, WRONG, "192.0.2.51")  # clean: its one try is looked up
    assert rejected.value.reason == "unknown"
    with pytest.raises(services.CodeRejected) as rejected:
        services.check_code(wave, good, "192.0.2.51")
    assert rejected.value.reason == "wave_locked"


def test_the_window_ends_and_the_series_starts_again(wave):
    for _attempt in range(10):
        with pytest.raises(services.CodeRejected):
            services.check_code(wave, WRONG, "192.0.2.9")
    assert services.client_locked("192.0.2.9")
    CodeAttempt.objects.filter(key="client:192.0.2.9").update(
        window_started_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=31)
    )
    assert services.check_code(wave, code_for(wave), "192.0.2.9").cbs_code == "GM0153"
    with pytest.raises(services.CodeRejected) as rejected:
        services.check_code(wave, WRONG, "192.0.2.9")
    assert rejected.value.reason == "unknown"
    assert CodeAttempt.objects.get(key="client:192.0.2.9").failures == 1


def test_locked_out_api_client_gets_problem_json_with_retry_after(wave):
    api = APIClient()
    for _attempt in range(10):
        assert api.get(answers_url(wave), HTTP_X_ACCESS_CODE=WRONG).status_code == 401
    locked = api.get(answers_url(wave), HTTP_X_ACCESS_CODE=code_for(wave))
    assert locked.status_code == 429
    assert locked["Content-Type"] == "application/problem+json"
    assert int(locked["Retry-After"]) > 0 and locked.json()["status"] == 429


# --------------------------------------------------------------------------- B11 logout


def test_logout_needs_a_post(wave, client):
    enter(client, wave, code_for(wave))
    leave = reverse("monitor:answer-leave", args=[wave.slug])
    page = client.get(leave)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'method="post"' in body and f'action="{leave}"' in body
    # A GET (a link, a prefetch, an image on another site) did not end the session.
    assert (
        client.post(
            autosave_url(wave), {"heeft_beleid": "ja"}, content_type="application/json"
        ).status_code
        == 200
    )
    block = client.get(reverse("monitor:answer-block", args=[wave.slug, "beleid"]))
    assert f'action="{leave}"' in block.content.decode()  # the logout is a form button
    assert client.post(leave).status_code == 302
    assert (
        client.post(
            autosave_url(wave), {"heeft_beleid": "nee"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert client.put(leave).status_code == 405


def test_save_and_continue_later_logs_out(wave, client):
    enter(client, wave, code_for(wave))
    response = client.post(
        reverse("monitor:answer-block", args=[wave.slug, "beleid"]),
        {"heeft_beleid": "ja", "stop": "1"},
    )
    assert response.status_code == 302
    assert (
        client.post(
            autosave_url(wave), {"heeft_beleid": "nee"}, content_type="application/json"
        ).status_code
        == 403
    )


# --------------------------------------------------------------------------- C18 results


def test_after_closing_the_letter_code_opens_own_results_read_only(closed_wave, client):
    enschede = closed_wave.invitations.get(cbs_code="GM0153")
    enschede.answers = {"heeft_beleid": "ja", "raad_onderwerp_1": "Onze stedenband"}
    enschede.submitted_at = datetime.datetime.now(datetime.UTC)
    enschede.save()
    weert = closed_wave.invitations.get(cbs_code="GM0988")
    weert.answers = {"heeft_beleid": "nee", "raad_onderwerp_1": "Geheim van Weert"}
    weert.submitted_at = enschede.submitted_at
    weert.save()
    start = client.get(start_url(closed_wave)).content.decode()
    assert "gesloten" in start and "resultaten" in start  # says what the code can do now
    response = enter(client, closed_wave, code_for(closed_wave))
    assert response.status_code == 302
    assert response.url == reverse("monitor:where-we-stand", args=[closed_wave.slug])
    page = client.get(response.url)
    body = page.content.decode()
    assert page.status_code == 200 and "Enschede" in body
    assert "Weert" not in body and "Geheim van Weert" not in body
    # Answering and saving are refused.
    assert (
        client.post(
            autosave_url(closed_wave), {"heeft_beleid": "nee"}, content_type="application/json"
        ).status_code
        == 403
    )
    block = client.get(reverse("monitor:answer-block", args=[closed_wave.slug, "beleid"]))
    assert block.status_code == 302
    api = APIClient()
    code = code_for(closed_wave)
    assert api.get(answers_url(closed_wave), HTTP_X_ACCESS_CODE=code).json()["cbs_code"] == (
        "GM0153"
    )
    refused = api.patch(
        answers_url(closed_wave),
        {"answers": {"heeft_beleid": "nee"}},
        format="json",
        HTTP_X_ACCESS_CODE=code,
    )
    assert refused.status_code == 403 and refused["Content-Type"] == "application/problem+json"
    enschede.refresh_from_db()
    assert enschede.answers["heeft_beleid"] == "ja"


def test_results_access_ends_after_the_configured_period(closed_wave, client, settings):
    code = code_for(closed_wave)
    assert enter(client, closed_wave, code).status_code == 302
    settings.MONITOR_RESULTS_ACCESS_DAYS = 0  # closed yesterday: the period is over
    url = reverse("monitor:where-we-stand", args=[closed_wave.slug])
    assert client.get(url).status_code == 403  # the old session opens nothing
    response = enter(client, closed_wave, code)
    assert response.status_code == 403
    assert "resultaten" in response.content.decode()


def test_wave_page_offers_only_buttons_that_work(
    closed_wave, client, facilitator, enschede_contributor
):
    where = reverse("monitor:where-we-stand", args=[closed_wave.slug])
    client.force_login(facilitator)
    page = client.get(closed_wave.get_absolute_url()).content.decode()
    assert where not in page  # it would answer 403 to a facilitator
    assert client.get(where).status_code == 403
    client.force_login(enschede_contributor)
    page = client.get(closed_wave.get_absolute_url()).content.decode()
    assert where in page and client.get(where).status_code == 200
    client.logout()
    page = client.get(closed_wave.get_absolute_url()).content.decode()
    assert where not in page and start_url(closed_wave) in page  # with a code


# --------------------------------------------------------------------------- D21 formulas


@pytest.mark.parametrize("text", ["=1+1", "+31 6", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_escape_formula(text):
    assert escape_formula(text) == "'" + text
    assert unescape_formula(escape_formula(text)) == text


def test_escape_formula_leaves_other_values():
    assert escape_formula("Enschede") == "Enschede"
    assert escape_formula(-3) == -3 and escape_formula(None) is None
    assert csv_cell(-3) == "-3"  # a number stays a number


DANGEROUS = '=HYPERLINK("http://evil.example","klik")'


@pytest.fixture
def exported_wave(wave):
    invitation = wave.invitations.get(cbs_code="GM0153")
    invitation.answers = {
        "heeft_beleid": "nee",
        "redenen_geen_beleid": ["anders"],
        "redenen_geen_beleid_anders": DANGEROUS,
    }
    invitation.submitted_at = datetime.datetime.now(datetime.UTC)
    invitation.save()
    return wave


def test_csv_export_escapes_formulas_and_imports_back(exported_wave):
    import csv

    rows = list(csv.DictReader(io.StringIO(imports.export_csv(exported_wave))))
    assert rows[0]["redenen_geen_beleid_anders"] == "'" + DANGEROUS
    other = make_wave("gib-terug")
    imports.import_responses(other, imports.export_csv(exported_wave))
    assert other.invitations.get(cbs_code="GM0153").answers["redenen_geen_beleid_anders"] == (
        DANGEROUS
    )


def test_xlsx_export_escapes_formulas(exported_wave):
    sheet = load_workbook(io.BytesIO(imports.export_xlsx(exported_wave))).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    column = values[0].index("redenen_geen_beleid_anders")
    assert values[1][column] == "'" + DANGEROUS


# --------------------------------------------------------------------------- D22 malformed


@pytest.mark.parametrize("value", ["1e400", "inf", "NaN", "-inf", "9" * 400])
def test_malformed_numbers_on_the_page_autosave_are_400(wave, client, value):
    enter(client, wave, code_for(wave))
    response = client.post(
        autosave_url(wave), {"uren_op_papier": value}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["uren_op_papier"]
    invitation = Invitation.objects.get(wave=wave, cbs_code="GM0153")
    assert "uren_op_papier" not in invitation.answers
    json.dumps(invitation.invalid_input, allow_nan=False)  # storable everywhere


@pytest.mark.parametrize(
    "body",
    [
        b'{"uren_op_papier": 1e400}',
        b'{"uren_op_papier": NaN}',
        b'{"uren_op_papier": -Infinity}',
        b'{"aantal_personen": 1' + b"0" * 30 + b"}",
        b'{"aantal_personen": 1' + b"0" * 5000 + b"}",
    ],
)
def test_malformed_json_numbers_on_the_page_autosave_are_400(wave, client, body):
    enter(client, wave, code_for(wave))
    response = client.post(autosave_url(wave), body, content_type="application/json")
    assert response.status_code == 400


def test_nul_bytes_in_a_text_answer_are_400_and_never_stored(wave, client):
    enter(client, wave, code_for(wave))
    response = client.post(
        autosave_url(wave),
        {"raad_onderwerp_1": "a\x00b", "x\x00": "1"},
        content_type="application/json",
    )
    assert response.status_code == 400  # the site's middleware may refuse it first
    # The service refuses it too, whoever calls it, with a Dutch message.
    invitation = Invitation.objects.get(wave=wave, cbs_code="GM0153")
    result = services.save_answers(invitation, {"raad_onderwerp_1": "a\x00b", "x\x00": "1"})
    assert "NUL" in result.errors["raad_onderwerp_1"] and result.saved == []
    invitation.refresh_from_db()
    assert invitation.answers == {} and invitation.invalid_input == {"raad_onderwerp_1": "ab"}


def test_malformed_answers_in_a_page_post_are_400(wave, client):
    enter(client, wave, code_for(wave))
    Invitation.objects.filter(wave=wave, cbs_code="GM0153").update(answers={"heeft_beleid": "ja"})
    url = reverse("monitor:answer-block", args=[wave.slug, "organisatie"])
    response = client.post(
        url,
        {
            "organisatievorm": ["ingebed"],
            "uren_op_papier": "1e400",
            "uren_in_praktijk": "NaN",
            "aantal_personen": "9" * 60,
        },
    )
    assert response.status_code == 400
    assert "geen getal" in response.content.decode()
    nul = client.post(
        reverse("monitor:answer-block", args=[wave.slug, "beleid"]),
        {"heeft_beleid": "ja\x00", "raad_onderwerp_1": "x\x00"},
    )
    assert nul.status_code == 400


@pytest.mark.parametrize("value", [1e300, -1e300, 10**30, "inf", "NaN", "1e400", "x\x00"])
def test_malformed_answers_through_the_api_are_problem_json(wave, value):
    response = APIClient().patch(
        answers_url(wave),
        {"answers": {"uren_op_papier": value}},
        format="json",
        HTTP_X_ACCESS_CODE=code_for(wave),
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_malformed_json_and_slugs_through_the_api_are_4xx(wave):
    api = APIClient()
    code = code_for(wave)
    for body in (
        b'{"answers": {"uren_op_papier": NaN}}',
        b'{"answers": {"uren_op_papier": 1e400}}',
    ):
        response = api.generic(
            "PATCH",
            answers_url(wave),
            body,
            content_type="application/json",
            HTTP_X_ACCESS_CODE=code,
        )
        assert response.status_code == 400
    for path in (
        "/api/v1/waves/gib%00proef/answers",
        "/api/v1/waves/gib%00proef",
        "/api/v1/waves/gib%00proef/report",
        "/api/v1/instruments/gib%00",
    ):
        # 404 from the URL patterns, or 400 from the site's NUL guard: never a 500.
        assert api.get(path, HTTP_X_ACCESS_CODE=code).status_code in (400, 404), path
    submit = api.post(
        f"{answers_url(wave)}/submit",
        {"receipt_email": "a\x00@b.nl"},
        format="json",
        HTTP_X_ACCESS_CODE=code,
    )
    assert submit.status_code == 400


def test_numbers_beyond_json_range_are_refused_even_without_a_maximum():
    import copy

    from kennisschakel.engines.survey.instrument import load_instrument
    from kennisschakel.monitor.models import Instrument

    definition = copy.deepcopy(Instrument.objects.get(slug="gib").definition)
    for block in definition["blocks"]:
        for question in block["questions"]:
            if question["code"] == "aantal_personen":
                question.pop("max")
    question = load_instrument(definition).question("aantal_personen")
    assert survey.normalise(question, 10**15) == 10**15
    for value in (10**15 + 1, 10**400, "1" + "0" * 40, -(10**16)):
        with pytest.raises(survey.AnswerError) as error:
            survey.normalise(question, value)
        assert error.value.code in ("above_maximum", "below_minimum")


# --------------------------------------------------------------------------- D23 imports


def test_import_refuses_a_file_over_the_size_limit_before_reading(wave, settings):
    settings.MONITOR_IMPORT_MAX_BYTES = 100

    class Upload(io.BytesIO):
        size = 101

        def read(self, *args):
            raise AssertionError("read although too large")

    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_responses(wave, Upload(b""))
    assert "MB" in str(rejected.value)


def test_import_counts_rows_before_parsing_them(wave, settings, monkeypatch):
    settings.MONITOR_IMPORT_MAX_ROWS = 3
    parsed = []
    monkeypatch.setattr(survey, "parse_csv_row", lambda *a, **k: parsed.append(1) or ({}, []))
    text = "cbs_code,heeft_beleid\n" + "".join("GM0153,ja\n" for _ in range(4))
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_responses(wave, text)
    assert "3" in str(rejected.value) and parsed == []


def test_import_page_refuses_xlsx_corrupt_and_oversized_files(wave, client, facilitator, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(facilitator)
    url = reverse("monitor:wave-import", args=[wave.slug])
    xlsx = imports.export_xlsx(wave)
    for name, content, fragment in (
        ("antwoorden.csv", xlsx, "Excel"),  # mislabelled
        ("antwoorden.csv", b"PK\x03\x04" + b"\x00\xff" * 50, "Excel"),  # corrupt zip
        ("antwoorden.csv", b"\xff\xfe\x00garbage\x80", "UTF-8"),
        ("antwoorden.csv", b"cbs_code\nGM0153\x00\n", "NUL"),
    ):
        response = client.post(url, {"file": SimpleUploadedFile(name, content)})
        assert response.status_code == 400, name
        assert fragment in response.content.decode(), fragment
    settings.MONITOR_IMPORT_MAX_BYTES = 10
    big = client.post(url, {"file": SimpleUploadedFile("a.csv", b"cbs_code\n" + b"GM0153\n" * 5)})
    assert big.status_code == 400 and "MB" in big.content.decode()


# --------------------------------------------------------------------------- D24 forwarding


def forward(client, wave, email="collega@enschede.test", note=""):
    return client.post(
        reverse("monitor:answer-forward", args=[wave.slug]), {"email": email, "note": note}
    )


def test_forwarding_is_limited_per_invitation_per_day(
    wave, client, mailoutbox, django_capture_on_commit_callbacks
):
    enter(client, wave, code_for(wave))
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(5):
            assert forward(client, wave, f"c{number}@enschede.test").status_code == 302
        refused = forward(client, wave, "c6@elders.example")
    assert refused.status_code == 429
    assert "24 uur" in refused.content.decode()
    run_queued_tasks()  # the worker sends the outbox
    assert len(mailoutbox) == 5
    invitation = Invitation.objects.get(wave=wave, cbs_code="GM0153")
    assert invitation.codes.filter(kind=AccessCode.Kind.DELEGATION).count() == 5


def test_live_colleague_codes_are_capped(wave, client, settings, mailoutbox):
    settings.MONITOR_LIVE_FORWARD_CODES = 2
    invitation = wave.invitations.get(cbs_code="GM0153")
    services.delegate(invitation, "a@enschede.test")
    services.delegate(invitation, "b@enschede.test")
    with pytest.raises(services.ForwardRefused):
        services.delegate(invitation, "c@enschede.test")
    invitation.codes.filter(kind=AccessCode.Kind.DELEGATION).update(
        revoked_at=datetime.datetime.now(datetime.UTC)
    )
    services.delegate(invitation, "c@enschede.test")  # revoked codes do not count


def test_forward_email_renders_no_link_from_the_note_and_is_logged(
    wave, client, mailoutbox, caplog, django_capture_on_commit_callbacks
):
    enter(client, wave, code_for(wave))
    note = (
        "Zie https://evil.example/login?x=1 of www.evil.example\n"
        "Toegangscode:  NEP-CODE en mail naar baas@evil.example"
    )
    with (
        caplog.at_level(logging.INFO, logger="kennisschakel.monitor.services"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert forward(client, wave, "Collega@Elders.Example", note).status_code == 302
    run_queued_tasks()  # the worker sends the outbox
    body = mailoutbox[0].body
    assert "https://evil.example" not in body and "www.evil.example" not in body
    assert "evil[.]example" in body and "baas@evil[.]example" in body
    assert "> Toegangscode:  NEP-CODE" in body  # quoted: cannot pass for the real code line
    code_lines = [line for line in body.splitlines() if line.startswith("Toegangscode:")]
    assert len(code_lines) == 1 and "NEP" not in code_lines[0]
    invitation = Invitation.objects.get(wave=wave, cbs_code="GM0153")
    logged = [r.getMessage() for r in caplog.records if "forward" in r.getMessage()]
    assert len(logged) == 1
    assert f"invitation={invitation.pk}" in logged[0] and "to_domain=elders.example" in logged[0]
    assert "client=127.0.0.1" in logged[0] and "Collega" not in logged[0]
