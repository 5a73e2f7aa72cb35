"""Pages for OpenID Connect sign-in: start, callback, and asking for an email afterwards."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from app.accounts import oidc
from app.accounts import service as accounts_service
from app.accounts.deps import CurrentUser, csrf_protect
from app.accounts.pages import sign_in
from app.accounts.routes import client_ip
from app.audit import service as audit
from app.config import Settings
from app.errors import AppError, NotFound, ValidationFailed
from app.kit.forms import form_with_errors, redirect, safe_next
from app.kit.routing import APIRouter
from app.kit.templating import flash, render
from app.kit.unit_of_work import get_db, keep_changes_on_error

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)

NEXT_KEY = "oidc_next"
EMAIL_PROMPT_KEY = "email_prompt"


def _client(request: Request) -> tuple[Any, Settings]:
    client = getattr(request.app.state, "oidc_client", None)
    if client is None:
        raise NotFound("Signing in with an external provider is not set up on this site.")
    settings: Settings = request.app.state.settings
    return client, settings


def _failed(request: Request, db: Session, exc: oidc.SignInFailed, settings: Settings
            ) -> Response:
    audit.record(db, event="login.failed", ip=client_ip(request), method="oidc",
                 reason=exc.code, detail=exc.detail, issuer=settings.oidc_issuer)
    return render(request, "accounts/oidc_error.html",
                  {"message": exc.message, "status": exc.status_code,
                   "provider": settings.oidc_display_name},
                  status_code=exc.status_code)


@router.get("/auth/oidc/login")
async def oidc_login(request: Request, next: str = "/", db: Session = Depends(get_db)
                     ) -> Response:
    client, settings = _client(request)
    keep_changes_on_error(request)
    try:
        response = await oidc.authorization_redirect(client, request, settings=settings)
    except oidc.SignInFailed as exc:
        return await run_in_threadpool(_failed, request, db, exc, settings)
    request.session[NEXT_KEY] = safe_next(next)
    return response


def _finish(request: Request, db: Session, claims: dict[str, Any], settings: Settings
            ) -> Response:
    target = safe_next(request.session.get(NEXT_KEY))
    result = oidc.link_or_create(db, issuer=str(claims["iss"]), subject=str(claims["sub"]),
                                 claims=claims)
    user = result.user
    sign_in(request, db, user)  # a fresh session: the flow's state leaves with the old one
    audit.record(db, event="login.succeeded", actor_id=user.id, subject_user_id=user.id,
                 ip=client_ip(request), method="oidc", issuer=claims["iss"])
    if result.created:
        flash(request, f"Welcome, {user.display_name}. Your solver account is ready.")
    elif result.linked:
        flash(request, f"Your {settings.oidc_display_name} login is now linked to this account.")
    if result.email_problem:
        request.session[EMAIL_PROMPT_KEY] = {"reason": result.email_problem,
                                             "email": claims.get("email"), "next": target}
        return redirect("/account/email")
    return redirect(target)


@router.get("/auth/oidc/callback")
async def oidc_callback(request: Request, db: Session = Depends(get_db)) -> Response:
    client, settings = _client(request)
    keep_changes_on_error(request)  # failed attempts are audited
    try:
        claims = await oidc.verified_claims(client, request, settings=settings)
        return await run_in_threadpool(_finish, request, db, claims, settings)
    except oidc.SignInFailed as exc:
        return await run_in_threadpool(_failed, request, db, exc, settings)


def _email_context(request: Request, user: Any) -> dict[str, Any]:
    prompt = request.session.get(EMAIL_PROMPT_KEY) or {}
    settings: Settings = request.app.state.settings
    return {"form": {"email": user.email or ""}, "errors": {}, "reason": prompt.get("reason"),
            "claimed": prompt.get("email"), "next": safe_next(prompt.get("next")),
            "provider": settings.oidc_display_name}


@router.get("/account/email", response_class=HTMLResponse)
def email_form(request: Request, user: CurrentUser) -> Response:
    return render(request, "accounts/email.html", _email_context(request, user))


@router.post("/account/email", response_class=HTMLResponse)
def save_email(request: Request, user: CurrentUser, email: Annotated[str, Form()] = "",
               db: Session = Depends(get_db)) -> Response:
    context = _email_context(request, user)
    try:
        if not email.strip():
            raise ValidationFailed("Enter your email address.",
                                   fields={"email": "Enter your email address."})
        accounts_service.update_profile(db, user=user, email=email)
    except AppError as exc:
        return form_with_errors(request, "accounts/email.html", exc,
                                {**context, "form": {"email": email}})
    request.session.pop(EMAIL_PROMPT_KEY, None)
    flash(request, "Your email address was saved.")
    return redirect(context["next"] if context["reason"] else "/account")
