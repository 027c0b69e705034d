"""The address of the client behind a request, trusting only configured reverse proxies.

Every lock-out, throttle and audit line keys on this one function, so a crafted
``X-Forwarded-For`` header can never pick its own identity. With no trusted proxy
configured (the default), the header is ignored and ``REMOTE_ADDR`` is the client.
Behind a reverse proxy, list its addresses or networks in
``KENNISSCHAKEL_TRUSTED_PROXIES`` (for example ``127.0.0.1,10.0.0.0/8``): the client
is then the right-most ``X-Forwarded-For`` entry that is not itself a trusted proxy.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def _is_trusted(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def trusted_proxies() -> tuple[str, ...]:
    return tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ())


def client_ip(request) -> str:
    """The client's IP address as a string ('' when the request carries none)."""
    remote = (request.META.get("REMOTE_ADDR") or "").strip()
    networks = _networks(trusted_proxies())
    if not networks or not _is_trusted(remote, networks):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    # Walk from the proxy nearest to us outwards; the first untrusted hop is the client.
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return remote  # a malformed chain: trust nothing beyond our own proxy
        if not _is_trusted(hop, networks):
            return hop
    return hops[0] if hops else remote
