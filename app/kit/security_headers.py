"""Response headers every page and API answer carries."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Scope

from app.kit.asgi import ResponseStartMiddleware

_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "content-security-policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'self'"
    ),
}


# A year, the subdomains too (what HSTS preload lists ask for); sent only over https, where a
# browser heeds it, or by a site whose address is https (its proxy may speak http to us).
HSTS = "max-age=31536000; includeSubDomains"


class SecurityHeadersMiddleware(ResponseStartMiddleware):
    def __init__(self, app: ASGIApp, *, https: bool = False) -> None:
        super().__init__(app)
        self.https = https

    def response_starts(self, scope: Scope, message: Message) -> None:
        headers = MutableHeaders(scope=message)
        for name, value in _HEADERS.items():
            headers.setdefault(name, value)
        # The scheme is the one a trusted proxy's X-Forwarded-Proto says (TRUSTED_PROXIES,
        # app/kit/proxies.py), never one any other client claims.
        if self.https or scope.get("scheme") == "https":
            headers.setdefault("strict-transport-security", HSTS)
