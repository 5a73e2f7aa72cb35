"""JSON API for one's own sign-in security: browser sessions and the password."""

from __future__ import annotations

import datetime as dt

from fastapi import Request
from pydantic import Field

from app.accounts import auth, devices
from app.accounts.deps import SESSION_TOKEN_KEY, CurrentUser
from app.accounts.models import UserSession
from app.kit.openapi import error_responses
from app.kit.proxies import client_ip
from app.kit.routing import APIRouter
from app.kit.schemas import InputModel, ObjectId, ReadModel
from app.kit.unit_of_work import SessionDep, keep_changes_on_error

router = APIRouter(prefix="/api/v1/me", tags=["accounts"])


class SessionRead(ReadModel):
    id: int
    device: str = Field(description="The browser and system, read from its user agent.")
    user_agent: str | None
    ip: str | None
    created_at: dt.datetime
    last_seen_at: dt.datetime | None = Field(description="Updated every few minutes of use.")
    expires_at: dt.datetime
    current: bool = Field(description="The session this request was made with.")


class SessionsRevoked(ReadModel):
    revoked: int


class PasswordChange(InputModel):
    current_password: str | None = Field(
        default=None, max_length=256,
        description="Required, except for an account without a password (signed up through "
                    "a provider) within ten minutes of signing in.")
    new_password: str = Field(max_length=256)


class PasswordChanged(ReadModel):
    other_sessions_ended: int


def session_token(request: Request) -> str | None:
    """The raw token of the browser session this request came with (None for a bearer)."""
    if request.state.auth_via != "session":
        return None
    value = request.session.get(SESSION_TOKEN_KEY)
    return str(value) if value else None


def describe(session: UserSession, current_id: int | None) -> SessionRead:
    return SessionRead(id=session.id, device=devices.describe(session.user_agent),
                       user_agent=session.user_agent, ip=session.ip,
                       created_at=session.created_at, last_seen_at=session.last_seen_at,
                       expires_at=session.expires_at, current=session.id == current_id)


@router.get("/sessions", response_model=list[SessionRead])
def list_sessions(request: Request, user: CurrentUser, db: SessionDep) -> object:
    """Your signed-in browsers, the most recently used first."""
    current = getattr(request.state, "session_id", None)
    return [describe(s, current) for s in auth.list_sessions(db, user=user)]


@router.delete("/sessions/{session_id:int}", status_code=204, responses=error_responses(404))
def revoke_session(session_id: ObjectId, user: CurrentUser, db: SessionDep) -> None:
    """Sign one of your browsers out (another person's session is not found)."""
    auth.revoke_session(db, user=user, session_id=session_id)


@router.post("/sessions/revoke-others", response_model=SessionsRevoked)
def revoke_other_sessions(request: Request, user: CurrentUser, db: SessionDep) -> object:
    """Sign out everywhere else: every browser session but this request's own."""
    ended = auth.end_all_sessions(db, user_id=user.id, keep_raw_token=session_token(request),
                                  reason="signed_out_everywhere")
    return {"revoked": ended}


@router.post("/password", response_model=PasswordChanged, responses=error_responses(422, 429))
def change_password(body: PasswordChange, request: Request, user: CurrentUser,
                    db: SessionDep) -> object:
    """Change (or, without one yet, set) your password; every other browser is signed out."""
    keep_changes_on_error(request)  # failed password confirmations are counted
    ended = auth.change_password(
        db, user=user, current_password=body.current_password, new_password=body.new_password,
        signed_in_at=request.state.signed_in_at, keep_raw_token=session_token(request),
        ip=client_ip(request))
    return {"other_sessions_ended": ended}
