"""JSON API for accounts: sign-up, tokens, profile, and user administration."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request

from app.accounts import auth, email_links, reauth
from app.accounts import service as accounts_service
from app.accounts.deps import AdminUser, CurrentUser, OptionalUser
from app.accounts.models import Role
from app.accounts.schemas import (
    Accepted,
    AuditEventRead,
    ProfileUpdate,
    SignUp,
    TokenCreate,
    TokenCreated,
    TokenRead,
    UserRead,
)
from app.audit import service as audit
from app.errors import Forbidden, NotAuthenticated, ValidationFailed
from app.i18n.translate import N_
from app.kit.openapi import error_responses
from app.kit.proxies import client_ip as client_ip  # re-exported: the pages import it here
from app.kit.routing import APIRouter
from app.kit.schemas import Limit, ObjectId, Offset, Page, QueryId
from app.kit.unit_of_work import SessionDep, keep_changes_on_error

router = APIRouter(prefix="/api/v1", tags=["accounts"])


@router.post("/auth/signup", response_model=Accepted, status_code=202,
             responses=error_responses(422, 429))
def sign_up(body: SignUp, request: Request, db: SessionDep) -> object:
    """Anyone may open a solver account (a few an hour from one address); a link to confirm
    the address is emailed to it. The answer is the same when the address has an account
    already (whose holder is told instead), so it does not tell who is registered."""
    email_links.sign_up(
        db, ip=client_ip(request), email=body.email, password=body.password,
        display_name=body.display_name, organisation=body.organisation,
        country_code=body.country_code)
    return {"message": email_links.SIGNUP_SENT}


@router.post("/auth/tokens", response_model=TokenCreated, status_code=201,
             responses=error_responses(401, 403, 422, 429))
def create_token(body: TokenCreate, request: Request, user: OptionalUser,
                 db: SessionDep) -> object:
    """Issue a personal access token, shown once. Authenticate by email + password, or from a
    signed-in browser with `current_password` (or a sign-in less than ten minutes old); a
    bearer token cannot make tokens. Each token expires (`expires_in_days` or `expires_at`;
    90 days by default, at most 365)."""
    if body.email is not None or body.password is not None:
        keep_changes_on_error(request)  # failed attempts must be counted and audited
        user = auth.authenticate(db, email=body.email or "", password=body.password or "",
                                 ip=client_ip(request))
    elif user is not None and request.state.auth_via == "token":
        # A stolen token must not breed tokens that outlive its revocation.
        raise Forbidden(N_("An access token cannot create tokens; give your email and "
                           "password, or create one on your account page."),
                        code="token_cannot_create_tokens")
    elif user is not None:
        keep_changes_on_error(request)  # failed password confirmations are counted
        reauth.confirm_identity(db, user=user, password=body.current_password,
                                signed_in_at=request.state.signed_in_at, ip=client_ip(request))
    if user is None:
        raise NotAuthenticated("Give email and password, or sign in first.")
    token, raw = auth.create_token(db, user=user, name=body.name, expires_at=body.expires_at,
                                   expires_in_days=body.expires_in_days)
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


@router.patch("/me", response_model=UserRead, responses=error_responses(422, 429))
def update_me(body: ProfileUpdate, request: Request, user: CurrentUser,
              db: SessionDep) -> object:
    """Change the profile. A new `email` is not taken at once: a link is emailed to it (the
    answer is the same whether or not another account has it) and the address changes when the
    link is followed; it needs `current_password` (or a browser sign-in of the last ten
    minutes)."""
    changes = body.model_dump(exclude_unset=True)
    email, password = changes.pop("email", None), changes.pop("current_password", None)
    if email:
        try:
            email_links.request_email_change(
                db, user=user, email=email, password=password,
                signed_in_at=getattr(request.state, "signed_in_at", None), ip=client_ip(request))
        except ValidationFailed as exc:
            if exc.code == "reauthentication_failed":
                keep_changes_on_error(request)  # the failed try is counted
            raise
    return accounts_service.update_profile(db, user=user, **changes)


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
