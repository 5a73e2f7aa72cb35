"""Pages for OpenID Connect: sign-in (start, callback), the email question afterwards, and
linking / unlinking a provider from the account page."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from app.accounts import email_links, identities, oidc
from app.accounts.deps import CurrentUser, OptionalUser, csrf_protect
from app.accounts.models import User
from app.accounts.pages import account_context, sign_in
from app.accounts.routes import client_ip
from app.audit import service as audit
from app.config import Settings
from app.errors import AppError, Conflict, NotFound, ValidationFailed
from app.i18n.translate import N_, gettext, translatable, translate_message
from app.kit.forms import form_with_errors, redirect, safe_next
from app.kit.routing import APIRouter
from app.kit.schemas import ObjectId
from app.kit.templating import flash, render
from app.kit.unit_of_work import SessionDep, keep_changes_on_error

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)

NEXT_KEY = "oidc_next"
EMAIL_PROMPT_KEY = "email_prompt"
# {"user_id", "state"}: the flow with this `state` links to this (signed-in) user.
LINK_KEY = "oidc_link"


def _client(request: Request) -> tuple[Any, Settings]:
    client = getattr(request.app.state, "oidc_client", None)
    if client is None:
        raise NotFound(N_("Signing in with an external provider is not set up on this site."))
    settings: Settings = request.app.state.settings
    return client, settings


def _failed(request: Request, db: Session, exc: oidc.SignInFailed, settings: Settings,
            *, linking_user_id: int | None = None) -> Response:
    """The page for a failed sign-in (or, with `linking_user_id`, a failed link), audited."""
    provider = settings.oidc_display_name
    if linking_user_id is not None:
        audit.record(db, event="oidc.link_failed", actor_id=linking_user_id,
                     subject_user_id=exc.subject_user_id or linking_user_id,
                     ip=client_ip(request), reason=exc.code, detail=exc.detail,
                     issuer=settings.oidc_issuer)
        return render(request, "accounts/oidc_error.html",
                      {"message": exc.message, "provider": provider, "linking": True},
                      status_code=exc.status_code)
    audit.record(db, event="login.failed", ip=client_ip(request), method="oidc",
                 subject_user_id=exc.subject_user_id, reason=exc.code, detail=exc.detail,
                 issuer=settings.oidc_issuer)
    if isinstance(exc, identities.EmailInUse):
        return render(request, "accounts/oidc_email_in_use.html",
                      {"email": exc.email, "provider": provider}, status_code=exc.status_code)
    return render(request, "accounts/oidc_error.html",
                  {"message": exc.message, "provider": provider},
                  status_code=exc.status_code)


@router.get("/auth/oidc/login")
async def oidc_login(request: Request, db: SessionDep, next: str = "/"
                     ) -> Response:
    client, settings = _client(request)
    keep_changes_on_error(request)
    try:
        response = await oidc.authorization_redirect(client, request, settings=settings)
    except oidc.SignInFailed as exc:
        return await run_in_threadpool(_failed, request, db, exc, settings)
    request.session.pop(LINK_KEY, None)  # this flow signs in; it links nothing
    request.session[NEXT_KEY] = safe_next(next)
    return response


def _finish(request: Request, db: Session, claims: dict[str, Any], settings: Settings
            ) -> Response:
    target = safe_next(request.session.get(NEXT_KEY))
    result = identities.account_for_login(db, issuer=str(claims["iss"]),
                                          subject=str(claims["sub"]), claims=claims)
    user = result.user
    sign_in(request, db, user)  # a fresh session: the flow's state leaves with the old one
    audit.record(db, event="login.succeeded", actor_id=user.id, subject_user_id=user.id,
                 ip=client_ip(request), method="oidc", issuer=claims["iss"])
    if result.created:
        flash(request, gettext("Welcome, %(name)s. Your solver account is ready.")
              % {"name": user.display_name})
    if result.ask_for_email:
        request.session[EMAIL_PROMPT_KEY] = {"reason": "missing", "next": target}
        return redirect("/account/email")
    return redirect(target)


def _finish_link(request: Request, db: Session, user: User | None, intent: dict[str, Any],
                 claims: dict[str, Any], settings: Settings) -> Response:
    provider = settings.oidc_display_name
    if user is None or user.id != intent.get("user_id"):
        raise oidc.SignInFailed(
            "link_user_changed", translatable(
                "You are no longer signed in as the account that asked to link %(provider)s, so "
                "nothing was linked. Sign in and start again from your account page.",
                provider=provider), status_code=403,
            detail=f"started by user {intent.get('user_id')}, "
                   f"finished by {user.id if user else 'nobody'}")
    linked = identities.link(db, user=user, issuer=str(claims["iss"]),
                             subject=str(claims["sub"]), claims=claims, provider=provider)
    if linked:
        flash(request, gettext("Your %(provider)s login is now linked to this account. You can "
                               "sign in with it from now on.") % {"provider": provider})
    else:
        flash(request, gettext("This %(provider)s login was already linked to your account.")
              % {"provider": provider})
    return redirect("/account")


def _link_intent(request: Request) -> dict[str, Any] | None:
    """The link intent of the flow this callback finishes (any other one is dropped)."""
    intent = request.session.pop(LINK_KEY, None)
    if not isinstance(intent, dict) or not intent.get("state"):
        return None
    return intent if intent["state"] == request.query_params.get("state") else None


@router.get("/auth/oidc/callback")
async def oidc_callback(request: Request, user: OptionalUser, db: SessionDep
                        ) -> Response:
    client, settings = _client(request)
    keep_changes_on_error(request)  # failed attempts are audited
    intent = _link_intent(request)
    linking_user_id = int(intent["user_id"]) if intent else None
    try:
        claims = await oidc.verified_claims(client, request, settings=settings)
        if intent is not None:
            return await run_in_threadpool(_finish_link, request, db, user, intent, claims,
                                           settings)
        return await run_in_threadpool(_finish, request, db, claims, settings)
    except oidc.SignInFailed as exc:
        return await run_in_threadpool(_failed, request, db, exc, settings,
                                       linking_user_id=linking_user_id)


@router.post("/account/identities/link")
async def link_start(request: Request, user: CurrentUser, db: SessionDep
                     ) -> Response:
    """Start the provider's flow in link mode for the signed-in user.

    The answer is a page that moves on to the provider (meta refresh, and a link), not a
    redirect: the CSP's `form-action 'self'` also covers the redirects after a form is sent.
    """
    client, settings = _client(request)
    keep_changes_on_error(request)
    try:
        redirect_to = await oidc.authorization_redirect(client, request, settings=settings)
    except oidc.SignInFailed as exc:
        return await run_in_threadpool(_failed, request, db, exc, settings,
                                       linking_user_id=user.id)
    request.session[LINK_KEY] = {"user_id": user.id, "state": oidc.flow_state(redirect_to)}
    return render(request, "accounts/oidc_link_continue.html",
                  {"url": redirect_to.headers["location"],
                   "provider": settings.oidc_display_name},
                  headers={"Cache-Control": "no-store"})


@router.post("/account/identities/{identity_id}/unlink", response_class=HTMLResponse)
def unlink(identity_id: ObjectId, request: Request, user: CurrentUser,
           db: SessionDep) -> Response:
    try:
        identities.unlink(db, user=user, identity_id=identity_id)
    except Conflict as exc:  # the last way to sign in: said on the account page

        return form_with_errors(request, "accounts/account.html", exc,
                                account_context(db, user))
    flash(request, gettext("The sign-in provider was unlinked from your account."))
    return redirect("/account")


def _email_context(request: Request, user: Any) -> dict[str, Any]:
    prompt = request.session.get(EMAIL_PROMPT_KEY) or {}
    settings: Settings = request.app.state.settings
    return {"form": {"email": user.email or ""}, "errors": {}, "reason": prompt.get("reason"),
            "next": safe_next(prompt.get("next")), "provider": settings.oidc_display_name}


@router.get("/account/email", response_class=HTMLResponse)
def email_form(request: Request, user: CurrentUser) -> Response:
    return render(request, "accounts/email.html", _email_context(request, user))


@router.post("/account/email", response_class=HTMLResponse)
def save_email(request: Request, user: CurrentUser, db: SessionDep, email: Annotated[str,
               Form()] = "", current_password: Annotated[str, Form()] = "") -> Response:
    context = _email_context(request, user)
    try:
        if not email.strip():
            raise ValidationFailed(N_("Enter your email address."),
                                   fields={"email": N_("Enter your email address.")})
        # The address becomes the account's when the link emailed to it is followed.
        sent = email_links.request_email_change(
            db, user=user, email=email, password=current_password or None,
            signed_in_at=request.state.signed_in_at, ip=client_ip(request))
    except AppError as exc:
        if exc.code == "reauthentication_failed":
            keep_changes_on_error(request)  # the failed try is counted
        return form_with_errors(request, "accounts/email.html", exc,
                                {**context, "form": {"email": email}})
    request.session.pop(EMAIL_PROMPT_KEY, None)
    flash(request, translate_message(sent) if sent else gettext("Your email address was saved."))
    return redirect(context["next"] if context["reason"] else "/account")
