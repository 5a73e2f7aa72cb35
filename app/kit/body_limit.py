"""A ceiling on the size of request bodies that are read whole into memory.

JSON and url-encoded form bodies are parsed in memory, so without a ceiling one request could
hold gigabytes. The ceiling (`MAX_REQUEST_BODY_BYTES`, 1 MiB by default: the largest form, a
challenge with a 20,000-character description, is a few hundred KiB) is checked against the
declared Content-Length before anything is read, and counted while a body without one arrives.
Multipart bodies (file uploads) are not counted here: Starlette spools their files to disk and
caps each text part, and every upload route checks its own limit (app/submissions/deps.py).
Routes that take whole files in the body (the imports) declare a larger ceiling with
`allow_larger`.
"""

from __future__ import annotations

import json
from html import escape

from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_LARGER: dict[str, int] = {}


def allow_larger(path: str, limit: int) -> None:
    """Let `path` (the full path, e.g. /api/v1/needs/import) take bodies up to `limit` bytes."""
    _LARGER[path] = limit


def too_large_message(limit: int) -> str:
    return f"The request body is larger than {limit:,} bytes."


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

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _is_multipart(scope):
            await self.app(scope, receive, send)
            return
        limit = _LARGER.get(scope["path"], self.limit)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(scope, send, limit)
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
            await _refuse(scope, send, limit)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


def _is_multipart(scope: Scope) -> bool:
    return (_header(scope, b"content-type") or "").lower().startswith("multipart/")


def _content_length(scope: Scope) -> int | None:
    value = _header(scope, b"content-length")
    return int(value) if value is not None and value.strip().isdigit() else None


async def _refuse(scope: Scope, send: Send, limit: int) -> None:
    message = too_large_message(limit)
    if scope["path"].startswith("/api/"):
        body = json.dumps({"error": {"code": "too_large", "message": message,
                                     "fields": {"body": f"at most {limit} bytes"}}}).encode()
        content_type = b"application/json"
    else:
        body = (f"<!doctype html><html lang=\"en\"><title>Too large</title>"
                f"<p>{escape(message)} Go back and shorten what you sent.</p></html>").encode()
        content_type = b"text/html; charset=utf-8"
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", content_type),
                            (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
