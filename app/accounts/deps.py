"""Who is asking: FastAPI dependencies for the signed-in user, roles and CSRF checks.

The principal is looked up in a short session of its own (on a worker thread) and merged into the
request's session without SQL, so no pooled connection is held while the request waits for a
thread (see app/kit/unit_of_work.py).
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

import anyio
from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from app.accounts import auth
from app.accounts.models import Role, User
from app.errors import Forbidden, NotAuthenticated
from app.i18n.translate import N_, translatable
from app.kit.openapi import document_errors
from app.kit.unit_of_work import SessionDep

SESSION_TOKEN_KEY = "sid"
CSRF_KEY = "csrf"
CSRF_FORM_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def csrf_token(request: Request) -> str:
    """The CSRF token bound to this browser's signed session cookie (made on first use)."""
    token = request.session.get(CSRF_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        request.session[CSRF_KEY] = token
    return str(token)


def _same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


@dataclass(frozen=True)
class Principal:
    user: User | None
    via: str | None  # "token" or "session"
    # When the browser session began (a fresh sign-in re-authenticates); None for a token.
    signed_in_at: dt.datetime | None = None
    session_id: int | None = None  # the browser session's row (the session list marks it)


def _lookup(maker: sessionmaker[Session], bearer: str | None, sid: str | None) -> Principal:
    with maker() as db:
        user: User | None = None
        signed_in_at: dt.datetime | None = None
        session_id: int | None = None
        via: str | None = None
        if bearer:
            user, via = auth.user_for_token(db, raw_token=bearer), "token"
            if user is None:
                raise NotAuthenticated(N_("The access token is not valid."), code="invalid_token")
        elif sid:
            found = auth.session_and_user(db, raw_token=sid)
            via = "session"
            if found is not None:
                signed_in_at, session_id, user = found[0].created_at, found[0].id, found[1]
        if user is not None:
            _ = user.roles  # loaded before the session closes
        db.commit()  # keeps a token's last-used time, a session's last-seen time
        return Principal(user, via if user else None, signed_in_at, session_id)


@document_errors(401)  # a bearer token that is not valid
@document_errors(403, methods=UNSAFE_METHODS)  # a cookie write without the CSRF header
async def current_user_optional(request: Request,
                                db: SessionDep) -> User | None:
    """The signed-in user (bearer token or session cookie), or None for a visitor."""
    if hasattr(request.state, "user"):
        cached: User | None = request.state.user
        return cached
    header = request.headers.get("authorization", "")
    bearer = header[7:].strip() if header.lower().startswith("bearer ") else None
    sid = request.session.get(SESSION_TOKEN_KEY) if "session" in request.scope else None
    if bearer or sid:
        maker: sessionmaker[Session] = request.app.state.session_maker
        principal = await anyio.to_thread.run_sync(_lookup, maker, bearer, sid)
    else:  # a visitor: nothing to look up
        principal = Principal(None, None)
    user, via = principal.user, principal.via
    if user is not None:
        user = db.merge(user, load=False)
    if (via == "session" and request.method in UNSAFE_METHODS
            and request.url.path.startswith("/api/")
            and not _same(request.headers.get(CSRF_HEADER), request.session.get(CSRF_KEY))):
        # A cookie alone must not be enough to change things through the API.
        raise Forbidden(N_("Send the X-CSRF-Token header with cookie-authenticated API calls."),
                        code="csrf_failed")
    request.state.user = user
    request.state.user_id = user.id if user else None  # for logs written after the session ends
    request.state.auth_via = via
    request.state.signed_in_at = principal.signed_in_at
    request.state.session_id = principal.session_id
    return user


OptionalUser = Annotated[User | None, Depends(current_user_optional)]


async def current_user(user: OptionalUser) -> User:
    if user is None:
        raise NotAuthenticated()
    return user


CurrentUser = Annotated[User, Depends(current_user)]


# The refusal for each role (and pair of roles) the pages ask for, whole sentences so that the
# catalogs hold them; any other combination names its roles in English.
_NEEDS_ROLE = {
    "admin": N_("This needs the admin role."),
    "curator": N_("This needs the curator role."),
    "sponsor": N_("This needs the sponsor role."),
    "solver": N_("This needs the solver role."),
    "judge": N_("This needs the judge role."),
    "verifier": N_("This needs the verifier role."),
    "curator or admin": N_("This needs the curator or admin role."),
    "sponsor or admin": N_("This needs the sponsor or admin role."),
}


def needs_role_message(*roles: Role) -> str:
    names = " or ".join(r.value for r in roles)
    return _NEEDS_ROLE.get(names) or translatable("This needs the %(roles)s role.", roles=names)


def require_role(*roles: Role) -> Callable[[User], Awaitable[User]]:
    """A dependency that lets through users holding any of `roles` (403 otherwise)."""

    async def _check(user: CurrentUser) -> User:
        if not user.has_role(*roles):
            raise Forbidden(needs_role_message(*roles), code="missing_role")
        return user

    return document_errors(403)(_check)


AdminUser = Annotated[User, Depends(require_role(Role.ADMIN))]


async def csrf_protect(request: Request) -> None:
    """Page routers' guard: every state-changing form carries the session's CSRF token."""
    if request.method not in UNSAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER)
    if not sent:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FORM_FIELD)
            sent = value if isinstance(value, str) else None
    if not _same(sent, request.session.get(CSRF_KEY)):
        raise Forbidden(N_("The form has expired or did not come from this site; reload the "
                           "page and try again."), code="csrf_failed")
