"""Errors as classes with their own status, and the handlers that turn them into responses.

The API answers every error as `{"error": {"code", "message", "fields"}}`; pages get a readable
error page (or, for a missing login, a redirect to the login form).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.routing import iter_route_contexts
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.i18n.translate import N_
from app.kit.body_limit import BodyTooLarge
from app.kit.proxies import client_ip
from app.kit.templating import render

log = logging.getLogger("valleycross.errors")
security_log = logging.getLogger("valleycross.security")


class AppError(Exception):
    """A refusal the client can act on: its HTTP status, a stable code and a sentence (the
    subclasses below set their own with class keywords)."""

    status_code = 400
    code = "bad_request"
    message = N_("The request could not be processed.")

    def __init_subclass__(cls, *, status: int | None = None, code: str | None = None,
                          message: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.status_code = status or cls.status_code
        cls.code = code or cls.code
        cls.message = message or cls.message

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        fields: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message or self.message
        self.code = code or self.code
        self.fields = fields or {}
        self.headers = headers or {}
        super().__init__(self.message)


class NotAuthenticated(AppError, status=401, code="not_authenticated",
                       message=N_("Sign in to continue.")):
    """No signed-in user where one is needed (pages redirect to the sign-in form)."""


class Forbidden(AppError, status=403, code="forbidden",
                message=N_("You are not allowed to do this.")):
    """Signed in, and allowed to see the record, but not to do this with it."""


class NotFound(AppError, status=404, code="not_found", message=N_("Not found.")):
    """No such record, or one the viewer may not know exists."""


class Conflict(AppError, status=409, code="conflict",
               message=N_("This conflicts with the current state.")):
    """Not in the record's current state (or time): reload and see."""


class ValidationFailed(AppError, status=422, code="validation_error",
                       message=N_("Some fields are not valid.")):
    """Bad input; `fields` says which and why."""


class LengthRequired(AppError, status=411, code="length_required",
                     message=N_("Send the upload with a Content-Length header.")):
    """An upload sent without Content-Length: its size cannot be checked before it is read."""


class PayloadTooLarge(AppError, status=413, code="too_large",
                      message=N_("The upload is too large.")):
    """A body or upload over its limit, refused while it was read."""


class TooManyRequests(AppError, status=429, code="too_many_requests",
                      message=N_("Too many attempts; wait and try again.")):
    """Throttled sign-in attempts."""


class RateLimited(TooManyRequests, code="rate_limited"):
    """An action done too often by one client (app.kit.rate_limit); `Retry-After` says when."""

    def __init__(self, message: str, *, retry_after_seconds: int) -> None:
        super().__init__(message, headers={"Retry-After": str(retry_after_seconds)})
        self.retry_after_seconds = retry_after_seconds


def is_api_request(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def error_body(code: str, message: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def validation_message(err: Mapping[str, Any]) -> str:
    """A pydantic error's message; a validator's own ValueError reads as itself, without the
    "Value error, " prefix pydantic adds."""
    return str(err.get("msg", "invalid")).removeprefix("Value error, ")


def _fields_from_validation(exc: RequestValidationError) -> dict[str, str]:
    fields: dict[str, str] = {}
    for err in exc.errors():
        loc = [str(part) for part in err.get("loc", ()) if part not in ("body", "query", "path")]
        name = ".".join(loc) or "body"
        fields.setdefault(name, validation_message(err))
    return fields


def _render(request: Request, status: int, code: str, message: str,
            fields: dict[str, str] | None = None,
            headers: dict[str, str] | None = None) -> Response:
    if is_api_request(request):
        return JSONResponse(error_body(code, message, fields), status_code=status, headers=headers)
    if status == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    context: dict[str, Any] = {"status": status, "code": code, "message": message,
                               "fields": fields or {}}
    if status >= 500:
        # The request's database session may be gone by now (an unhandled error passed the
        # middleware that closes it), so the page must not load anything through it.
        context["current_user"] = None
    return render(request, "errors/error.html", context, status_code=status, headers=headers)


def allowed_methods(request: Request) -> str:
    """Every method some route serves at this path (Starlette names only the first route's)."""
    methods: set[str] = set()
    for context in iter_route_contexts(request.app.routes):
        regex = getattr(context, "path_regex", None)
        if context.methods and regex is not None and regex.match(request.url.path):
            methods.update(context.methods)
    return ", ".join(sorted(methods))


REFUSAL_STATUSES = (401, 403, 429)


def record_refusal(request: Request, exc: AppError) -> None:
    """Log a refused authentication or authorisation (OWASP ASVS V16.3), or a client held back
    by throttling or a rate limit (anti-automation, ASVS 2.4.1): all are security events.

    The error handler calls it for every AppError; a page that catches one to show it inline
    (a form with its errors, an action button's message) calls it too.
    """
    if exc.status_code not in REFUSAL_STATUSES:
        return
    request.state.refusal_logged = exc.code
    user = getattr(request.state, "user", None)
    # A visitor meeting a sign-in wall is routine; bad credentials, refusals and bots are not.
    level = logging.INFO if exc.code == "not_authenticated" else logging.WARNING
    security_log.log(level, "%s %s on %s %s: user=%s ip=%s: %s", exc.status_code, exc.code,
                     request.method, request.url.path, getattr(user, "id", None),
                     client_ip(request), exc.message)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> Response:
        record_refusal(request, exc)
        return _render(request, exc.status_code, exc.code, exc.message, exc.fields, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        return _render(request, 422, "validation_error", "Some fields are not valid.",
                       _fields_from_validation(exc))

    @app.exception_handler(StaleDataError)
    async def _changed_meanwhile(request: Request, exc: StaleDataError) -> Response:
        # The row this request read was updated or deleted by another one before this one
        # wrote it (PostgreSQL makes the second writer wait on the row lock instead).
        log.info("changed meanwhile: %s %s: %s", request.method, request.url.path, exc)
        return _render(request, 409, "changed_meanwhile",
                       N_("Someone else changed or removed this record meanwhile; reload it "
                          "and try again."), None)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        codes = {404: "not_found", 405: "method_not_allowed", 400: "bad_request",
                 413: "too_large"}
        code = codes.get(exc.status_code, "http_error")
        message = N_("Not found.") if exc.status_code == 404 else str(exc.detail)
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:  # RFC 9110: list all the methods the resource supports
            headers["Allow"] = allowed_methods(request)
        fields = {"body": f"at most {exc.limit} bytes"} if isinstance(exc, BodyTooLarge) else None
        return _render(request, exc.status_code, code, message, fields, headers=headers or None)

    @app.exception_handler(Exception)
    async def _unhandled(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _render(request, 500, "internal_error", "Something went wrong on our side.")
