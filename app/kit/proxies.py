"""Who the client is: the peer's address, or what a configured reverse proxy says it is.

X-Forwarded-For and X-Forwarded-Proto are believed only from the addresses in
`TRUSTED_PROXIES` (empty by default: nobody). Anyone else sending them, a local process
included, is ignored, so sign-in throttles, rate limits and the audit log count the real peer.
The app applies this itself (`ProxyHeaders`, outermost middleware) rather than the server, so
every server and the tests behave alike; `valleycross serve` keeps uvicorn's own handling off.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import HTTPConnection
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

UNKNOWN = "unknown"


def trusted_hosts(setting: str) -> list[str]:
    """The comma-separated TRUSTED_PROXIES setting as a list (empty: trust nobody)."""
    return [item.strip() for item in setting.split(",") if item.strip()]


class ProxyHeaders(ProxyHeadersMiddleware):
    """Uvicorn's proxy-headers middleware (right-most untrusted X-Forwarded-For address,
    CIDR networks allowed) with nobody trusted unless configured."""

    def __init__(self, app: Any, trusted: str) -> None:
        super().__init__(app, trusted_hosts=trusted_hosts(trusted))


def client_ip(request: HTTPConnection) -> str:
    """The one place the client's address is read (sign-in, rate limits, audit, logs)."""
    return request.client.host if request.client and request.client.host else UNKNOWN
