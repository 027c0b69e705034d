"""Personal links instead of typed codes (issue 14): the link in letters and emails, its
QR code on the letter, the lock-out it shares with typed codes, the helpdesk line."""

import datetime
import io
import re
from urllib.parse import urlsplit

import pytest
import segno
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from kennisschakel.monitor import pdfs, services
from kennisschakel.monitor import qr as qr_codes
from kennisschakel.monitor.models import CodeAttempt, Instrument, Invitation, Wave
from kennisschakel.register.models import SizeScheme
from tests.monitor.factories import WaveFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
HELPDESK = "Vragen? Bel 070 123 45 67 of mail monitor@gemeenten.test"


def make_wave(slug, **overrides):
    """A wave of the GIB instrument, open today unless the dates say otherwise."""
    return WaveFactory(slug=slug, title=f"Monitor internationaal beleid ({slug})", **overrides)


def code_for(wave, cbs_code="GM0153"):
    return services.issue_code(wave.invitations.get(cbs_code=cbs_code))


@pytest.fixture
def wave():
    wave = make_wave("gib-links")
    Wave.objects.filter(pk=wave.pk).update(helpdesk=HELPDESK)
    wave.refresh_from_db()
    return wave


def path_of(link: str) -> str:
    return urlsplit(link).path


def test_link_opens_the_questionnaire_and_leaves_no_code_behind(wave, client, settings):
    settings.KENNISSCHAKEL_SITE_URL = "https://kennisschakel.example.nl/"
    code = code_for(wave)
    link = services.link_url(wave, code)
    compact = code.replace("-", "")
    assert link == f"https://kennisschakel.example.nl/monitor/gib-links/code/{compact}/"
    response = client.get(path_of(link))
    assert response.status_code == 302
    assert compact not in response.url and code not in response.url
    assert response.url == reverse("monitor:answer-block", args=[wave.slug, "invuller"])
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    page = client.get(response.url)
    assert page.status_code == 200 and "Enschede" in page.content.decode()
    # The same link works again later, in a new session (another browser, after logging out).
    client.post(reverse("monitor:answer-leave", args=[wave.slug]))
    again = Client()
    assert again.get(path_of(link)).status_code == 302
    assert again.session[f"monitor:{wave.pk}"] == wave.invitations.get(cbs_code="GM0153").pk
    # Typing the code stays the fallback on the start page.
    typed = Client().post(reverse("monitor:answer-start", args=[wave.slug]), {"code": code})
    assert typed.status_code == 302 and typed.url == response.url


def test_wrong_link_codes_count_towards_the_lock_out(wave, client):
    good = services.link_url(wave, code_for(wave))
    wrong = reverse("monitor:answer-link", args=[wave.slug, "AAAAABBBBBCCCCCDDDDDEEEEEF"])
    for _attempt in range(10):
        response = client.get(wrong)
        assert response.status_code == 400
        assert response["Referrer-Policy"] == "no-referrer"
    assert "Deze code opent deze vragenlijst niet" in response.content.decode()
    assert CodeAttempt.objects.get(key="client:127.0.0.1").failures == 10
    assert CodeAttempt.objects.get(key=f"wave:{wave.pk}").failures == 10
    locked = client.get(path_of(good))  # even the right link waits now, as a typed code does
    assert locked.status_code == 429 and int(locked["Retry-After"]) > 0
    assert "Te veel" in locked.content.decode()
    assert f"monitor:{wave.pk}" not in client.session
    # Another client is not locked out by this one.
    assert Client(REMOTE_ADDR="192.0.2.77").get(path_of(good)).status_code == 302


def test_a_replaced_code_is_refused_in_plain_dutch_without_counting_as_a_guess(wave, client):
    (invitation, old), *_rest = services.issue_letter_codes(wave)
    services.issue_letter_codes(wave)  # a new batch of letters replaces the old codes
    response = client.get(path_of(services.link_url(wave, old)))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Deze code is niet meer geldig" in body
    assert "meest recente brief of e-mail" in body
    assert f"monitor:{wave.pk}" not in client.session
    assert not CodeAttempt.objects.filter(key="client:127.0.0.1", failures__gt=0).exists()
    # The page still offers the code field: a code typed there opens the questionnaire.
    fresh = code_for(wave, invitation.cbs_code)
    typed = client.post(path_of(services.link_url(wave, old)), {"code": fresh})
    assert typed.status_code == 302 and client.session[f"monitor:{wave.pk}"] == invitation.pk


def test_after_closing_the_link_shows_where_we_stand(client):
    closed = make_wave(
        "gib-gesloten",
        opens_on=TODAY - datetime.timedelta(days=40),
        closes_on=TODAY - datetime.timedelta(days=1),
    )
    link = services.link_url(closed, code_for(closed))
    response = client.get(path_of(link))
    assert response.status_code == 302
    assert response.url == reverse("monitor:where-we-stand", args=[closed.slug])
    assert response["Referrer-Policy"] == "no-referrer"
    page = client.get(response.url)
    assert page.status_code == 200 and "Enschede" in page.content.decode()
    # Long after closing the link opens nothing, and says so.
    Wave.objects.filter(pk=closed.pk).update(closes_on=TODAY - datetime.timedelta(days=400))
    gone = Client().get(path_of(link))
    assert gone.status_code == 403 and "gesloten" in gone.content.decode()


LINK_HINT = (
    "Met de link of de QR-code uit uw brief komt u meteen binnen; "
    "u kunt ook de code hieronder invullen."
)


def test_start_page_mentions_the_link_and_qr_code_while_open(wave, client, settings):
    """Only while the wave can be answered: before opening and after closing the
    letter's link does something else (or nothing)."""
    url = reverse("monitor:answer-start", args=[wave.slug])
    page = client.get(url).content.decode()  # Dutch unless asked otherwise
    assert LINK_HINT in page and page.index(LINK_HINT) < page.index('name="code"')
    english = Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "With the link or the QR code from your letter you go straight in" in (
        english.get(url).content.decode()
    )
    later = make_wave("gib-later", opens_on=TODAY + datetime.timedelta(days=3))
    closed = make_wave(
        "gib-dicht",
        opens_on=TODAY - datetime.timedelta(days=40),
        closes_on=TODAY - datetime.timedelta(days=1),
    )
    for other in (later, closed):
        other_url = reverse("monitor:answer-start", args=[other.slug])
        assert LINK_HINT not in client.get(other_url).content.decode()


def _modules(svg: str) -> tuple[int, set[tuple[int, int]]]:
    """Decode segno's SVG path (``M x y h n m dx dy …``) back into its dark modules,
    as (size of the viewBox, set of (row, column))."""
    size = int(re.search(r'viewBox="0 0 (\d+) \1"', svg).group(1))
    path = re.search(r' d="([^"]+)"', svg).group(1)
    x = y = 0.0
    dark = set()
    for command, numbers in re.findall(r"([MmHhVv])([-\d. ]+)", path):
        values = [float(n) for n in numbers.split()]
        if command == "M":
            x, y = values
        elif command == "m":
            x, y = x + values[0], y + values[1]
        elif command == "h":
            for step in range(int(values[0])):
                dark.add((int(y - 0.5), int(x) + step))
            x += values[0]
        else:
            raise AssertionError(f"unexpected path command {command}")
    return size, dark


def test_the_letter_carries_the_link_as_a_vector_qr_code_that_opens_the_questionnaire(wave, client):
    invitation = wave.invitations.get(cbs_code="GM0153")
    code = services.issue_code(invitation)
    expected = services.link_url(wave, code)
    # The letter refers to its link; the QR code is drawn where the letter is laid out.
    html = pdfs.letters_html(wave, [(invitation, code)])
    assert f'data-qr="{expected}"' in html
    svg = re.search(r"<svg.*?</svg>", qr_codes.draw_qr_codes(html), re.S).group(0)
    # The letter's QR code is exactly segno's for the expected URL …
    qr = segno.make_qr(expected, error="m")
    size, dark = _modules(svg)
    border = (size - qr.symbol_size(scale=1, border=0)[0]) // 2
    assert border == 4  # the quiet zone scanners need
    matrix = {
        (r + border, c + border)
        for r, row in enumerate(qr.matrix)
        for c, on in enumerate(row)
        if on
    }
    assert dark == matrix
    assert segno.make_qr(expected + "x", error="m").matrix != qr.matrix  # the test can fail
    # … and that URL opens the questionnaire.
    opened = client.get(path_of(expected))
    assert opened.status_code == 302
    assert opened.url == reverse("monitor:answer-block", args=[wave.slug, "invuller"])

    content = pdfs.letters_pdf(wave, [(invitation, code)])
    page = PdfReader(io.BytesIO(content)).pages[0]
    text = page.extract_text()
    assert HELPDESK in text
    assert code in text  # the typed code stays as the fallback
    assert expected in text.replace("\n", "")
    # Vector, not a picture: the page draws no images at all.
    xobjects = page["/Resources"].get("/XObject", {})
    images = [x for x in xobjects.values() if x.get_object().get("/Subtype") == "/Image"]
    assert images == []


def test_emails_carry_the_link_and_the_helpdesk_line(
    wave, client, smtp_server, django_capture_on_commit_callbacks
):
    Invitation.objects.filter(wave=wave, cbs_code="GM0153").update(email="bestuur@enschede.test")
    issued = [(i, c) for i, c in services.issue_letter_codes(wave) if i.cbs_code == "GM0153"]
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_letter_emails(issued) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders(wave) == 1
    invitation_mail, reminder = smtp_server.messages[-2:]
    links = []
    for mail in (invitation_mail, reminder):
        assert mail["to"] == ["bestuur@enschede.test"]
        body = mail["message"].get_content()
        assert HELPDESK in body
        link = re.search(r"https?://\S+/monitor/gib-links/code/[A-Z2-7]{26}/", body).group(0)
        assert link in body and "Toegangscode:" in body  # link first, the code as fallback
        links.append(link)
    assert links[0] != links[1]  # the reminder's own code
    for link in links:  # both work: the reminder does not replace the letter's code
        browser = Client()
        assert browser.get(path_of(link)).status_code == 302
        assert browser.session[f"monitor:{wave.pk}"] == issued[0][0].pk


def test_helpdesk_line_on_the_answering_pages_and_in_the_wave_form(wave, client, facilitator):
    start = client.get(reverse("monitor:answer-start", args=[wave.slug])).content.decode()
    footer = start[start.index('<footer class="site-footer">') :]
    assert HELPDESK in footer
    client.get(path_of(services.link_url(wave, code_for(wave))))
    page = client.get(reverse("monitor:answer-block", args=[wave.slug, "invuller"]))
    assert HELPDESK in page.content.decode()
    other = make_wave("gib-zonder-hulp")  # no line set: no empty "help" heading
    assert (
        "helpdesk"
        not in client.get(reverse("monitor:answer-start", args=[other.slug])).content.decode()
    )

    client.force_login(facilitator)
    form = client.get(reverse("monitor:wave-create")).content.decode()
    assert 'name="helpdesk"' in form
    data = {
        "instrument": Instrument.objects.get(slug="gib").pk,
        "title": "GIB 2027",
        "slug": "gib-2027",
        "period": "2027",
        "reference_date": "2027-01-01",
        "size_scheme": SizeScheme.objects.get(slug="gib2009").pk,
        "opens_on": "2027-03-01",
        "closes_on": "2027-04-01",
        "min_cell": "5",
        "helpdesk": HELPDESK,
    }
    response = client.post(reverse("monitor:wave-create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Wave.objects.get(title="GIB 2027").helpdesk == HELPDESK
