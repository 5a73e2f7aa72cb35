"""JSON API for links sent by email: confirming an address, resetting a forgotten password,
signing in with a link. Asking for a link answers 202 with the same body whatever the address."""

from __future__ import annotations

from fastapi import Request

from app.accounts import email_links, recovery
from app.accounts.deps import CurrentUser
from app.accounts.schemas import Accepted, EmailOnly, LinkToken, PasswordResetConfirm
from app.i18n.translate import N_
from app.kit.openapi import error_responses
from app.kit.proxies import client_ip
from app.kit.routing import APIRouter
from app.kit.unit_of_work import SessionDep

router = APIRouter(prefix="/api/v1", tags=["accounts"])


@router.post("/auth/verify-email", response_model=Accepted, responses=error_responses(409, 422))
def verify_email(body: LinkToken, request: Request, db: SessionDep) -> object:
    """Use the token of a confirmation link: the address it was sent to becomes the account's,
    proven (409 when another account took it meanwhile)."""
    email_links.verify_email(db, raw=body.token, ip=client_ip(request))
    return {"message": N_("Your email address is confirmed.")}


@router.post("/me/email-verification", response_model=Accepted, status_code=202,
             responses=error_responses(429))
def resend_verification(user: CurrentUser, db: SessionDep) -> object:
    """Email the account's address a new confirmation link (the older ones stop working)."""
    if email_links.resend_verification(db, user=user):
        return {"message": N_("We emailed you a new link; the older ones no longer work.")}
    return {"message": N_("Your email address is confirmed already.")}


@router.post("/auth/password-reset", response_model=Accepted, status_code=202,
             responses=error_responses(429))
def password_reset(body: EmailOnly, request: Request, db: SessionDep) -> object:
    """Email a link to choose a new password (works once, within an hour). The answer is the
    same whether or not the address has an account; a few an hour per address and client."""
    return {"message": recovery.request_password_reset(db, email=body.email,
                                                       ip=client_ip(request))}


@router.post("/auth/password-reset/confirm", response_model=Accepted,
             responses=error_responses(403, 422))
def password_reset_confirm(body: PasswordResetConfirm, request: Request,
                           db: SessionDep) -> object:
    """Set a new password with a reset link's token: every session of the account ends."""
    recovery.reset_password(db, raw=body.token, password=body.password, ip=client_ip(request))
    return {"message": N_("Your password was changed and every session was signed out. Sign "
                          "in with the new password.")}


@router.post("/auth/sign-in-link", response_model=Accepted, status_code=202,
             responses=error_responses(429))
def sign_in_link(body: EmailOnly, request: Request, db: SessionDep) -> object:
    """Email a link that signs the account in once, within 15 minutes (also while password
    sign-in is throttled). The answer is the same whether or not the address has an account."""
    return {"message": recovery.request_sign_in_link(db, email=body.email,
                                                     ip=client_ip(request))}
