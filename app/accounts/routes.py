"""JSON API for accounts: sign-up, tokens, profile, and user administration."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request

from app.accounts import auth
from app.accounts import service as accounts_service
from app.accounts.deps import AdminUser, CurrentUser, OptionalUser
from app.accounts.models import Role
from app.accounts.schemas import (
    AuditEventRead,
    ProfileUpdate,
    SignUp,
    TokenCreate,
    TokenCreated,
    TokenRead,
    UserRead,
)
from app.audit import service as audit
from app.errors import NotAuthenticated
from app.kit.openapi import error_responses
from app.kit.routing import APIRouter
from app.kit.schemas import Limit, ObjectId, Offset, Page, QueryId
from app.kit.unit_of_work import SessionDep, keep_changes_on_error

router = APIRouter(prefix="/api/v1", tags=["accounts"])


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post("/auth/signup", response_model=UserRead, status_code=201,
             responses=error_responses(409, 429))
def sign_up(body: SignUp, request: Request, db: SessionDep) -> object:
    """Anyone may open a solver account (a few an hour from one address)."""
    return accounts_service.sign_up(
        db, ip=client_ip(request), email=body.email, password=body.password,
        display_name=body.display_name, organisation=body.organisation,
        country_code=body.country_code)


@router.post("/auth/tokens", response_model=TokenCreated, status_code=201,
             responses=error_responses(401, 429))
def create_token(body: TokenCreate, request: Request, user: OptionalUser,
                 db: SessionDep) -> object:
    """Issue a personal access token, shown once; authenticate by email + password or session."""
    if body.email is not None or body.password is not None:
        keep_changes_on_error(request)  # failed attempts must be counted and audited
        user = auth.authenticate(db, email=body.email or "", password=body.password or "",
                                 ip=client_ip(request))
    if user is None:
        raise NotAuthenticated("Give email and password, or sign in first.")
    token, raw = auth.create_token(db, user=user, name=body.name, expires_at=body.expires_at)
    return TokenCreated.model_validate({**TokenRead.model_validate(token).model_dump(),
                                        "token": raw})


@router.get("/auth/tokens", response_model=list[TokenRead])
def list_tokens(user: CurrentUser, db: SessionDep) -> object:
    return auth.list_tokens(db, user=user)


@router.delete("/auth/tokens/{token_id}", status_code=204)
def revoke_token(token_id: ObjectId, user: CurrentUser, db: SessionDep) -> None:
    auth.revoke_token(db, user=user, token_id=token_id)


@router.get("/me", response_model=UserRead)
def me(user: CurrentUser) -> object:
    return user


@router.patch("/me", response_model=UserRead, responses=error_responses(409))
def update_me(body: ProfileUpdate, user: CurrentUser, db: SessionDep) -> object:
    return accounts_service.update_profile(db, user=user, **body.model_dump(exclude_unset=True))


@router.get("/users", response_model=Page[UserRead])
def list_users(admin: AdminUser, db: SessionDep, q: str | None = Query(None, max_length=320),
               limit: Limit = 50, offset: Offset = 0) -> object:
    users, total = accounts_service.list_users(db, query=q, limit=limit, offset=offset)
    return {"items": users, "total": total, "limit": limit, "offset": offset}


@router.get("/users/{user_id}", response_model=UserRead)
def get_user(user_id: ObjectId, admin: AdminUser, db: SessionDep) -> object:
    return accounts_service.get(db, user_id=user_id)


@router.put("/users/{user_id}/roles/{role}", response_model=UserRead)
def grant_role(user_id: ObjectId, role: Role, admin: AdminUser,
               db: SessionDep) -> object:
    target = accounts_service.get(db, user_id=user_id)
    return accounts_service.grant_role(db, user=target, role=role, granted_by=admin)


@router.delete("/users/{user_id}/roles/{role}", response_model=UserRead,
               responses=error_responses(409))
def revoke_role(user_id: ObjectId, role: Role, admin: AdminUser,
                db: SessionDep) -> object:
    target = accounts_service.get(db, user_id=user_id)
    return accounts_service.revoke_role(db, user=target, role=role, revoked_by=admin)


@router.get("/audit", response_model=list[AuditEventRead])
def audit_log(admin: AdminUser, db: SessionDep, event: str | None = Query(None, max_length=60),
              challenge_id: QueryId | None = None,
              limit: Annotated[int, Query(ge=1, le=500)] = 100, offset: Offset = 0) -> object:
    """Newest first: account events, and each challenge's transitions, panel changes, appeals
    and award computations (`challenge_id` keeps only one challenge's)."""
    return audit.list_events(db, event=event, challenge_id=challenge_id, limit=limit,
                             offset=offset)
