"""client_ip(): X-Forwarded-For is believed only from configured reverse proxies."""

import pytest
from django.test import RequestFactory

from kennisschakel.core.clientip import client_ip


def request_from(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_a_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(request_from("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_behind_a_trusted_proxy_the_forwarding_client_is_used(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert client_ip(request_from("127.0.0.1", "198.51.100.1")) == "198.51.100.1"


def test_a_client_cannot_choose_its_address_by_prepending_to_the_chain(settings):
    # The client sends "X-Forwarded-For: 1.2.3.4"; the proxy appends the real address.
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    request = request_from("10.0.0.2", "1.2.3.4, 198.51.100.7, 10.0.0.3")
    assert client_ip(request) == "198.51.100.7"


def test_an_untrusted_peer_is_the_client_even_with_a_header(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_ip(request_from("203.0.113.9", "10.0.0.5")) == "203.0.113.9"


@pytest.mark.parametrize("header", ["not-an-ip", "198.51.100.1, <script>", ""])
def test_a_malformed_chain_falls_back_to_the_proxy_itself(settings, header):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    expected = "127.0.0.1"
    assert client_ip(request_from("127.0.0.1", header)) == expected
