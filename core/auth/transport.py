"""What the connection says about the client, and what responses tell browsers about transport.

Behind a reverse proxy the peer address is the proxy's. Only when the peer is one of
``MINZHENG_TRUSTED_PROXIES`` (CIDR list) are its ``X-Forwarded-For`` and ``X-Forwarded-Proto``
believed: the client is then the right-most address in ``X-Forwarded-For`` that is not itself a
trusted proxy (everything left of it could be made up by the client), and the scheme is the
proxy's. Everything downstream — rate limits per address, the audit log's ``ip``, ``Secure``
cookies, the same-origin check — reads the rewritten ASGI scope. Without trusted proxies the
headers are ignored: anybody could send them.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import TYPE_CHECKING

from core.settings import get_settings

if TYPE_CHECKING:
    from litestar import Request
    from litestar.types import Scope

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
HSTS = "max-age=31536000"


def _trusted(address: str, networks: Iterable[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in networks)


def forwarded_client(peer: str, forwarded_for: str, networks: tuple[Network, ...]) -> str:
    """The client address: walking ``X-Forwarded-For`` from the right while the hop is trusted."""
    if not networks or not _trusted(peer, networks):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    client = peer
    for hop in reversed(hops):
        client = hop
        if not _trusted(hop, networks):
            break
    try:
        return str(ipaddress.ip_address(client))
    except ValueError:
        return peer  # garbage in the header: keep the proxy's own address


def _header(scope: Scope, name: bytes) -> str:
    values = [value.decode("latin-1") for key, value in scope.get("headers", []) if key == name]
    return ",".join(values)


def apply_trusted_proxy(scope: Scope) -> None:
    """Rewrite ``scope["client"]`` and ``scope["scheme"]`` from a trusted proxy's headers."""
    networks = get_settings().trusted_proxies
    client = scope.get("client")
    if not networks or not client or not _trusted(client[0], networks):
        return
    forwarded = _header(scope, b"x-forwarded-for")
    if forwarded:
        scope["client"] = (forwarded_client(client[0], forwarded, networks), 0)
    proto = _header(scope, b"x-forwarded-proto").split(",")[-1].strip().lower()
    if proto in ("http", "https"):
        scope["scheme"] = proto


def https_deployment() -> bool:
    return get_settings().public_url.lower().startswith("https://")


def cookie_secure(request: Request) -> bool:
    """Cookies are ``Secure`` when the public URL is https, or this request came over https."""
    return https_deployment() or request.url.scheme == "https"
