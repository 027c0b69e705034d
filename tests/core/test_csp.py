"""Content-Security-Policy with a fresh nonce, Permissions-Policy, htmx without eval, and no
inline handlers, scripts or styles in any template (issue 10, E26)."""

import re
from pathlib import Path

import pytest

from kennisschakel.core.svg import without_inline_styles
from kennisschakel.partnerships.models import LearningDimension, LearningScore
from tests.partnerships.factories import PartnershipFactory

SRC = Path(__file__).resolve().parents[2] / "src" / "kennisschakel"

KEY_PAGES = [
    "/",
    "/praktijken/",
    "/praktijken/hengelo-speeddates-maatschappelijk-middenveld/",
    "/gemeenten/",
    "/gemeenten/GM0153/",
    "/organisaties/",
    "/buitenland/?q=Poznan",
    "/landen/",
    "/partnerschappen/",
    "/partnerschappen/zeist-berkane/",
    "/partnerschappen/zeist-berkane/wederzijds-leren/",
    "/partnerschappen/balansen/",
    "/landschap/",
    "/monitor/",
    "/hulp-zoeken/",
    "/account/inloggen/",
    "/api/v1/docs",
    "/bestaat-niet/",
]

REQUIRED_DIRECTIVES = {
    "default-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    directives = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {name: value for name, value in directives}


def nonce_of(response) -> str:
    match = re.search(r"'nonce-([^']+)'", policy(response)["script-src"])
    assert match, response["Content-Security-Policy"]
    return match.group(1)


@pytest.mark.django_db
@pytest.mark.parametrize("url", KEY_PAGES)
def test_every_page_carries_the_policy_with_a_fresh_nonce(client, url):
    first, second = client.get(url), client.get(url)
    assert first.status_code in (200, 404)
    directives = policy(first)
    for name, value in REQUIRED_DIRECTIVES.items():
        assert directives.get(name) == value, (name, directives)
    assert directives["script-src"].startswith("'self' 'nonce-")
    assert "unsafe-inline" not in first["Content-Security-Policy"]
    assert "unsafe-eval" not in first["Content-Security-Policy"]
    assert nonce_of(first) != nonce_of(second)
    html = first.content.decode()
    # Every script on the page carries this response's nonce.
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts
    assert all(f'nonce="{nonce_of(first)}"' in tag for tag in scripts), scripts


@pytest.mark.django_db
def test_permissions_policy_switches_off_unused_features(client):
    header = client.get("/")["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in header


@pytest.mark.django_db
def test_api_responses_carry_the_policy_too(client):
    response = client.get("/api/v1/municipalities/GM0153")
    assert policy(response)["default-src"] == "'self'"


@pytest.mark.django_db
def test_htmx_runs_without_eval_and_without_injected_styles(client):
    html = client.get("/gemeenten/").content.decode()
    meta = re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", html)
    assert meta, "htmx-config meta tag missing"
    assert '"allowEval":false' in meta.group(1)
    assert '"includeIndicatorStyles":false' in meta.group(1)


@pytest.mark.django_db
def test_learning_chart_is_drawn_without_inline_styles(client):
    partnership = PartnershipFactory()  # Enschede and Münster, scored below
    for partner in partnership.partners.all():
        LearningScore.objects.create(
            partner=partner, year=2024, dimension=LearningDimension.values[0], score=4
        )
    html = client.get(f"{partnership.get_absolute_url()}wederzijds-leren/?year=2024")
    html = html.content.decode()
    assert "<svg" in html
    assert "<style" not in html
    assert not re.search(r"<[^>]*\sstyle=", html)


def test_svg_styles_become_presentation_attributes():
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg"><defs><style type="text/css">'
        "*{stroke-linejoin: round; stroke-linecap: butt}</style></defs>"
        '<path style="fill: #0b3d66; stroke-width: 0.8"/>'
        "<text style=\"font-size: 10px; font-family: 'DejaVu Sans', sans-serif\">A</text></svg>"
    )
    clean = without_inline_styles(svg)
    assert "style" not in clean
    assert '<svg stroke-linejoin="round" stroke-linecap="butt"' in clean
    assert '<path fill="#0b3d66" stroke-width="0.8"/>' in clean
    assert 'font-family="&#x27;DejaVu Sans&#x27;, sans-serif"' in clean


# ----------------------------------------------------------------------- templates, statically

TEMPLATES = sorted(SRC.glob("**/templates/**/*.html"))
# PDF layouts rendered by WeasyPrint, never served to a browser: their <style> is fine.
PDF_LAYOUTS = {p for p in TEMPLATES if p.name.endswith("_document.html")}
TAG = re.compile(r"<[a-zA-Z][^>]*>", re.DOTALL)


def relative(path: Path) -> str:
    return str(path.relative_to(SRC))


def test_template_list_is_not_empty():
    assert len(TEMPLATES) > 50


@pytest.mark.parametrize("template", TEMPLATES, ids=relative)
def test_no_inline_event_handlers_or_eval_in_templates(template):
    text = template.read_text()
    for tag in TAG.findall(text):
        assert not re.search(r"\son[a-z]+\s*=", tag), f"inline event handler: {tag}"
        assert not re.search(r"\b(?:data-)?hx-on", tag), f"hx-on needs eval: {tag}"
        assert "javascript:" not in tag.lower(), f"javascript: URL: {tag}"


@pytest.mark.parametrize("template", TEMPLATES, ids=relative)
def test_every_script_in_templates_carries_the_nonce(template):
    for tag in re.findall(r"<script\b[^>]*>", template.read_text()):
        assert 'nonce="{{ request.csp_nonce }}"' in tag, f"script without nonce: {tag}"


@pytest.mark.parametrize("template", sorted(set(TEMPLATES) - PDF_LAYOUTS), ids=relative)
def test_no_inline_styles_in_page_templates(template):
    text = template.read_text()
    assert "<style" not in text, "move the rules to site.css"
    for tag in TAG.findall(text):
        assert not re.search(r"\sstyle\s*=", tag), f"inline style: {tag}"


def test_form_action_lets_the_login_form_reach_the_identity_provider():
    """With single sign-on on, the login redirects to the provider: form-action allows it."""
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "KENNISSCHAKEL_TESTING": "1",
        "OIDC_RP_CLIENT_ID": "kennisschakel",
        "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://login.example.org/oauth2/authorize",
        "OIDC_OP_TOKEN_ENDPOINT": "https://login.example.org/oauth2/token",
        "OIDC_OP_USER_ENDPOINT": "https://login.example.org/oauth2/userinfo",
    }
    code = (
        "from kennisschakel import settings as s; "
        "print(' '.join(s.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["'self'", "https://login.example.org"]
