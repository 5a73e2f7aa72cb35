"""A ceiling on the size of every request body, checked before any of it is read.

Without one, a 200 MB body sent to any form was read (and a multipart one spooled to disk) in
full before the route could answer 401 or 403. Every body, multipart included, is held to the
default ceiling (`MAX_REQUEST_BODY_BYTES`, 1 MiB: the largest form, a challenge with a
20,000-character description, is a few hundred KiB) unless its route declares a larger one.
The ceiling is checked against the declared Content-Length before anything is read, and
counted while a body without one (chunked) arrives; past it the answer is 413: a JSON error
under /api, a page otherwise.

A route that takes files declares its ceiling on its endpoint with `@larger_body(limit)`, where
`limit` is bytes or a function of the settings (read at each request, so a changed setting
counts at once). The middleware finds the route by the same path templates the router uses
(`/challenges/{challenge_id}/cover`), and only for the methods the route serves. The route
itself still checks the file's own limit exactly; this ceiling only bounds what reaches it.
`allow_larger(path_template, limit)` does the same for a route whose endpoint is not at hand.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi.routing import iter_route_contexts
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.config import Settings, get_settings
from app.i18n.translate import translatable
from app.kit.templating import render

# Room for the multipart envelope around the files a route takes: boundaries, part headers,
# the CSRF token and the form's few other fields.
MULTIPART_OVERHEAD_BYTES = 64 * 1024

Ceiling = int | Callable[[Settings], int]
Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])
_MARK = "__body_ceiling__"


@dataclass(frozen=True)
class _Larger:
    regex: re.Pattern[str]
    methods: frozenset[str] | None  # None: any method
    limit: Ceiling


_DECLARED: list[_Larger] = []  # by allow_larger


def larger_body(limit: Ceiling) -> Callable[[Endpoint], Endpoint]:
    """Let the decorated endpoint's route take bodies up to `limit` bytes (or
    `limit(settings)`): put it below the router's decorator."""

    def mark(endpoint: Endpoint) -> Endpoint:
        setattr(endpoint, _MARK, limit)
        return endpoint

    return mark


def allow_larger(path: str, limit: Ceiling) -> None:
    """Let `path` (the full path; `{name}` or `{name:int}` stands for one segment, e.g.
    /api/v1/challenges/{id}/cover) take bodies up to `limit` bytes, whatever the method."""
    _DECLARED.append(_Larger(_template_regex(path), None, limit))


def _template_regex(path: str) -> re.Pattern[str]:
    parts = re.split(r"\{[^}/]+\}", path)
    return re.compile("^" + "[^/]+".join(re.escape(p) for p in parts) + "$")


def too_large_message(limit: int) -> str:
    return translatable("The request body is larger than %(bytes)s bytes.", bytes=f"{limit:,}")


class BodyTooLarge(StarletteHTTPException):
    """Raised while a body without Content-Length is read past the ceiling. An HTTPException,
    because FastAPI turns any other error met while reading a body into a 400."""

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=too_large_message(limit))
        self.limit = limit


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, limit: int) -> None:
        self.app = app
        self.limit = limit
        self._marked: list[_Larger] | None = None  # the routes' markers, found at first use

    def limit_for(self, scope: Scope) -> int:
        """The ceiling of the route this request goes to (the default when none is declared)."""
        if self._marked is None:
            self._marked = _marked_routes(scope.get("app"))
        path, method = scope["path"], scope.get("method", "GET")
        for larger in (*self._marked, *_DECLARED):
            if (larger.methods is None or method in larger.methods) and \
                    larger.regex.match(path):
                if callable(larger.limit):
                    return max(self.limit, larger.limit(_settings(scope)))
                return max(self.limit, larger.limit)
        return self.limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(scope, receive, send, limit)
            return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyTooLarge:
            if started:  # the answer was on its way already; nothing better can be sent
                raise
            await _refuse(scope, receive, send, limit)


def _marked_routes(app: Any) -> list[_Larger]:
    found = []
    for route in iter_route_contexts(getattr(app, "routes", [])):
        limit = getattr(route.endpoint, _MARK, None)
        regex = getattr(route, "path_regex", None)
        if limit is not None and regex is not None:
            methods = frozenset(route.methods) if route.methods else None
            found.append(_Larger(regex, methods, limit))
    return found


def _settings(scope: Scope) -> Settings:
    settings = getattr(getattr(scope.get("app"), "state", None), "settings", None)
    return settings if isinstance(settings, Settings) else get_settings()


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


def _content_length(scope: Scope) -> int | None:
    value = _header(scope, b"content-length")
    return int(value) if value is not None and value.strip().isdigit() else None


async def _refuse(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    # The rest of the body stays unread, so the connection cannot carry another request.
    message = too_large_message(limit)
    if scope["path"].startswith("/api/"):
        body = json.dumps({"error": {"code": "too_large", "message": message,
                                     "fields": {"body": f"at most {limit} bytes"}}}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})
        return
    response = render(Request(scope), "errors/error.html", {
        "status": 413, "code": "too_large", "message": message,
        "fields": {"body": translatable("at most %(bytes)s bytes", bytes=f"{limit:,}")}},
        status_code=413, headers={"connection": "close"})
    await response(scope, receive, send)
