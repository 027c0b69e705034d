"""Shared fixtures: reference data loaded once per run, users per role, a real SMTP server."""

import socket
import threading
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller

from kennisschakel.accounts.models import Role, User
from kennisschakel.core.demo import load_demo_contacts, load_demo_data
from kennisschakel.knowledge.loaders import load_demo_practices
from kennisschakel.knowledge.search import practice_search
from kennisschakel.monitor.instruments import load_instruments
from kennisschakel.partnerships.loaders import load_demo_partnerships
from kennisschakel.register.loaders import load_reference_data
from kennisschakel.register.models import Municipality, Organisation

TEST_PASSWORD = "a-long-test-password"


def seed_database() -> None:
    load_reference_data(report=lambda line: None)
    load_instruments()
    load_demo_data()
    load_demo_practices()
    load_demo_contacts()
    load_demo_partnerships()


@pytest.fixture(autouse=True)
def fresh_search_index():
    """Each test's transaction is rolled back; so must the in-memory search index be."""
    practice_search.reset()
    yield
    practice_search.reset()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real reference data once; each test runs in a transaction on top of it."""
    with django_db_blocker.unblock():
        seed_database()


@pytest.fixture
def make_user(db):
    def make(role=Role.CONTRIBUTOR, cbs_code=None, organisation=None, email=None, **extra):
        if organisation is None and cbs_code:
            organisation = Municipality.objects.get(cbs_code=cbs_code).organisation
        email = (
            email
            or f"{role}-{cbs_code or (organisation.slug if organisation else 'none')}@test.example"
        )
        return User.objects.create_user(
            email=email, password=TEST_PASSWORD, role=role, organisation=organisation, **extra
        )

    return make


@pytest.fixture
def enschede_contributor(make_user):
    return make_user(Role.CONTRIBUTOR, "GM0153")


@pytest.fixture
def weert_contributor(make_user):
    return make_user(Role.CONTRIBUTOR, "GM0988")


@pytest.fixture
def facilitator(make_user):
    organisation = Organisation.objects.get(slug="kennisschakel-beheer")
    return make_user(Role.FACILITATOR, organisation=organisation, email="facilitator@test.example")


class _Collector:
    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
        with self.lock:
            self.messages.append(
                {
                    "from": envelope.mail_from,
                    "to": list(envelope.rcpt_tos),
                    "message": message_from_bytes(envelope.content, policy=default_policy),
                }
            )
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on localhost; Django sends to it over the network."""
    collector = _Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    try:
        yield collector
    finally:
        controller.stop()
