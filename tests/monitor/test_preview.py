"""The facilitator's preview of a questionnaire (issue 14, item 5): every block and
question in order with routing in words, and a click-through that saves nothing."""

import datetime
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kennisschakel.engines.survey import load_instrument
from kennisschakel.engines.survey.wording import condition_words, only_if
from tests.engines.survey.builders import block, instrument, opts, q

# --------------------------------------------------------------------------- words (no Django)


def worded():
    return load_instrument(
        instrument(
            block(
                "a",
                q("beleid", options=opts("ja", "nee", "weet_niet")),
                q("regio", "multiple", options=opts("noord", "zuid")),
                q("uren", "number", max=100, decimals=1),
                q("oordeel", "scale", scale={"min": 1, "max": 5, "labels": {
                    5: {"nl": "zeer goed", "en": "very good"}}}),
                q("toelichting", "text"),
            ),
        )
    )  # fmt: skip


@pytest.mark.parametrize(
    ("condition", "nl", "en"),
    [
        ({"question": "beleid", "equals": "ja"}, "vraag 1 = Ja", "question 1 = JA"),
        ({"question": "beleid", "in": ["ja", "weet_niet"]}, "vraag 1 = Ja of Weet_Niet",
         "question 1 = JA or WEET_NIET"),
        ({"question": "regio", "includes": "zuid"}, "bij vraag 2 is ‘Zuid’ gekozen",
         "‘ZUID’ is chosen at question 2"),
        ({"question": "uren", "gte": 12.5}, "vraag 3 is 12,5 of meer",
         "question 3 is 12.5 or more"),
        ({"question": "uren", "lte": 10}, "vraag 3 is 10 of minder", "question 3 is 10 or less"),
        ({"question": "oordeel", "equals": 5}, "vraag 4 = 5 (zeer goed)",
         "question 4 = 5 (very good)"),
        ({"question": "toelichting", "answered": True}, "vraag 5 is beantwoord",
         "question 5 is answered"),
        ({"not": {"question": "toelichting", "answered": True}}, "vraag 5 is niet beantwoord",
         "question 5 is not answered"),
        ({"not": {"question": "beleid", "equals": "nee"}}, "vraag 1 is niet Nee",
         "question 1 is not NEE"),
        ({"all": [{"question": "beleid", "equals": "ja"},
                  {"any": [{"question": "regio", "includes": "noord"},
                           {"question": "uren", "gte": 1}]}]},
         "vraag 1 = Ja en (bij vraag 2 is ‘Noord’ gekozen of vraag 3 is 1 of meer)",
         "question 1 = JA and (‘NOORD’ is chosen at question 2 or question 3 is 1 or more)"),
        ({"not": {"any": [{"question": "beleid", "equals": "ja"},
                          {"question": "uren", "lte": 0}]}},
         "niet (vraag 1 = Ja of vraag 3 is 0 of minder)",
         "not (question 1 = JA or question 3 is 0 or less)"),
    ],
)  # fmt: skip
def test_every_kind_of_condition_reads_as_words(condition, nl, en):
    instr = worded()
    assert condition_words(instr, condition) == nl
    assert condition_words(instr, condition, "en") == en
    assert only_if(instr, condition) == f"Alleen als {nl}"
    assert only_if(instr, None) == ""


# --------------------------------------------------------------------------- the pages

TODAY = datetime.date.today()


@pytest.fixture
def wave(db):
    from kennisschakel.monitor import services
    from kennisschakel.monitor.models import Instrument
    from kennisschakel.register.models import SizeScheme

    return services.create_wave(
        {"slug": "gib-voorbeeld", "instrument": Instrument.objects.get(slug="gib"),
         "title": "GIB voorbeeld", "period": "test",
         "reference_date": datetime.date(TODAY.year, 1, 1),
         "size_scheme": SizeScheme.objects.get(slug="gib2009"),
         "opens_on": TODAY - datetime.timedelta(days=1),
         "closes_on": TODAY + datetime.timedelta(days=9)}
    )  # fmt: skip


def test_the_overview_shows_every_block_and_question_in_order_with_routing(
    client, facilitator, wave
):
    client.force_login(facilitator)
    detail = client.get(wave.get_absolute_url()).content.decode()
    url = reverse("monitor:wave-preview", args=[wave.slug])
    assert url in detail  # linked from the wave
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    instr = wave.instrument.engine()
    # Every block title and every question, in instrument order.
    positions = [body.index(f'id="blok-{b.code}"') for b in instr.blocks]
    assert positions == sorted(positions)
    numbers = [int(n) for n in re.findall(r'id="vraag-(\d+)"', body)]
    assert numbers == list(range(1, len(instr.questions) + 1))
    # heeft_beleid is question 2 (after the one question about who fills it in).
    assert instr.question("heeft_beleid").index + 1 == 2
    assert "Alleen als vraag 2 = Ja" in body  # the blocks for municipalities with a policy
    assert "Alleen als vraag 2 = Nee" in body  # the reasons for having none
    regions = instr.question("regios_partners").index + 1
    assert (
        f"Alleen als bij vraag {regions} is ‘Met gemeenten in West-Europa / ‘oude’ EU-lidstaten’"
        " gekozen" in body.replace("&#x27;", "'")
    )
    assert body.count("(verplicht)") == sum(1 for q in instr.questions if q.required)
    assert "meer antwoorden mogelijk" in body and "één antwoord" in body


def test_only_facilitators_preview(client, enschede_contributor, wave):
    url = reverse("monitor:wave-preview", args=[wave.slug])
    page = reverse("monitor:wave-preview-block", args=[wave.slug, "beleid"])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(enschede_contributor)
    assert client.get(url).status_code == 403
    assert client.get(page).status_code == 403
    assert client.post(page, {"heeft_beleid": "ja"}).status_code == 403
    detail = client.get(wave.get_absolute_url()).content.decode()
    assert url not in detail


def _writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if re.match(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", q["sql"], re.IGNORECASE)
    ]


def _next(client, url, carried, answers, **buttons):
    data = {"preview_answers": carried, **answers, **buttons}
    return client.post(url, data)


def test_click_through_follows_the_routing_and_writes_nothing(client, facilitator, wave):
    from kennisschakel.monitor.models import AccessCode, Invitation

    client.force_login(facilitator)
    client.get(reverse("monitor:wave-preview", args=[wave.slug]))  # the session exists
    session_before = dict(client.session.items())
    invitations_before = list(Invitation.objects.values_list("id", "answers", "started_at"))
    url = reverse("monitor:wave-preview-block", args=[wave.slug, "invuller"])
    titles = []
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
        assert page.status_code == 200
        assert "niets" in page.content.decode()  # the banner: nothing is saved
        script = {"beleid": {"heeft_beleid": "ja", "activiteiten": ["stedenband"]},
                  "samenwerking": {"regios_partners": ["het_zuiden"]}}  # fmt: skip
        for _step in range(15):
            context = page.context
            if "page" not in context:
                break
            titles.append(context["page"].code)
            assert len(context["progress"].steps) == 12
            action = reverse("monitor:wave-preview-block", args=[wave.slug, context["page"].code])
            page = _next(client, action, context["carried"], script.get(context["page"].code, {}))
            assert page.status_code == 200
        review = page.content.decode()
    assert titles == ["invuller", "beleid", "aandacht", "organisatie", "uitgaven",
                      "samenwerking", "regio_het_zuiden", "netwerken", "verwachtingen"]  # fmt: skip
    assert "stedenband" in review and "Met gemeenten in het Zuiden" in review
    assert "Verplicht, niet beantwoord" in review or "verplicht" in review.lower()
    # Nothing written: no query that writes, the session and every invitation unchanged.
    assert _writes(queries.captured_queries) == []
    assert dict(client.session.items()) == session_before
    assert not any(key.startswith("monitor:") for key in session_before)
    assert list(Invitation.objects.values_list("id", "answers", "started_at")) == invitations_before
    assert not AccessCode.objects.exists()


def test_going_back_and_a_different_answer_closes_the_blocks(client, facilitator, wave):
    client.force_login(facilitator)
    url = reverse("monitor:wave-preview-block", args=[wave.slug, "beleid"])
    carried = json.dumps({"functie_invuller": "overige"})
    nee = _next(client, url, carried, {"heeft_beleid": "nee", "redenen_geen_beleid": "geen_taak"})
    # "No policy": every later block falls away; the review page comes next.
    assert "page" not in nee.context and nee.context["progress"].reviewing
    skipped = [s["code"] for s in nee.context["steps"] if s["state"] == "skipped"]
    assert len(skipped) == 10
    back = _next(client, url, carried, {"heeft_beleid": "nee"}, previous="1")
    assert back.context["page"].code == "invuller"
    assert json.loads(back.context["carried"]) == {
        "functie_invuller": "overige",
        "heeft_beleid": "nee",
    }


def test_bad_input_in_the_preview_is_explained_and_malformed_state_is_400(
    client, facilitator, wave
):
    client.force_login(facilitator)
    url = reverse("monitor:wave-preview-block", args=[wave.slug, "organisatie"])
    carried = json.dumps({"heeft_beleid": "ja"})
    bad = _next(client, url, carried, {"uren_op_papier": "twaalf"})
    body = bad.content.decode()
    assert bad.status_code == 400 and "twaalf" in body and "geen getal" in body
    assert bad.context["page"].code == "organisatie"  # stays on the page
    # Carried answers are checked again: an unknown question or option is dropped.
    crafted = json.dumps({"heeft_beleid": "ja", "bestaat_niet": 1, "functie_invuller": "x"})
    page = _next(client, url, crafted, {})
    assert json.loads(page.context["carried"]) == {"heeft_beleid": "ja"}
    broken = _next(client, url, "{not json", {})
    assert broken.status_code == 400 and "voorbeeld" in broken.content.decode()
    assert _next(client, url, "[1, 2]", {}).status_code == 400
    unknown = reverse("monitor:wave-preview-block", args=[wave.slug, "bestaat-niet"])
    assert client.get(unknown).status_code == 404
