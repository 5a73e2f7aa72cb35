"""HTML pages for accounts: sign-up, sign-in, account settings and the admin user list."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from app.accounts import auth, devices, email_links, identities, reauth
from app.accounts import service as accounts_service
from app.accounts.deps import (
    SESSION_TOKEN_KEY,
    AdminUser,
    CurrentUser,
    OptionalUser,
    csrf_protect,
)
from app.accounts.models import Role, User
from app.accounts.routes import client_ip
from app.db import utcnow
from app.errors import AppError, TooManyRequests, ValidationFailed, record_refusal
from app.i18n.locales import supported
from app.i18n.middleware import BROWSER_CHOICE_KEY, CHOSEN_LOCALE_KEY
from app.i18n.translate import N_, gettext, translate_message
from app.kit.forms import FormData, form_with_errors, redirect, safe_next
from app.kit.routing import APIRouter
from app.kit.schemas import ObjectId, Offset
from app.kit.templating import flash, render
from app.kit.unit_of_work import SessionDep, keep_changes_on_error

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)

# The roles' names as pages show them (the value stays the code in forms and the API).
ROLE_LABELS: dict[str, str] = {
    Role.ADMIN.value: N_("admin"), Role.CURATOR.value: N_("curator"),
    Role.SPONSOR.value: N_("sponsor"), Role.SOLVER.value: N_("solver"),
    Role.JUDGE.value: N_("judge"), Role.VERIFIER.value: N_("verifier"),
}


def sign_in(request: Request, db: Session, user: User) -> None:
    """Start a fresh session for `user`: the old cookie's contents and CSRF token are dropped."""
    old = request.session.get(SESSION_TOKEN_KEY)
    if old:
        auth.end_session(db, raw_token=old)
    request.session.clear()
    request.session[SESSION_TOKEN_KEY] = auth.start_session(
        db, user=user, ip=client_ip(request), user_agent=request.headers.get("user-agent"))
    request.state.user = user
    _carry_language(request, user)


def _carry_language(request: Request, user: User) -> None:
    """A language chosen in this browser is kept on the account; without one, the account's
    choice (made in another browser) applies from this sign-in on."""
    chosen = getattr(request.state, BROWSER_CHOICE_KEY, None)
    if chosen:
        user.locale = chosen
    elif user.locale and supported(user.locale):
        setattr(request.state, CHOSEN_LOCALE_KEY, user.locale)


@router.get("/signup", response_class=HTMLResponse)
def signup_form(request: Request, user: OptionalUser) -> Response:
    return render(request, "accounts/signup.html", {"form": {}, "errors": {}})


@router.post("/signup", response_class=HTMLResponse)
def signup(request: Request, form: FormData, db: SessionDep) -> Response:
    try:
        email_links.sign_up(
            db, ip=client_ip(request), email=form.get("email", ""),
            password=form.get("password", ""), display_name=form.get("display_name", ""),
            organisation=form.get("organisation"),
            country_code=form.get("country_code") or None)
    except AppError as exc:
        form.pop("password", None)
        return form_with_errors(request, "accounts/signup.html", exc, {"form": form})
    # The same page whether or not the address had an account (its holder was emailed).
    return render(request, "accounts/check_inbox.html",
                  {"title": N_("Check your inbox"), "message": email_links.SIGNUP_SENT,
                   "email": form.get("email", "").strip()})


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, user: OptionalUser, next: str = "/") -> Response:
    if user is not None:
        return redirect(safe_next(next))
    return render(request, "accounts/login.html",
                  {"form": {}, "errors": {}, "next": safe_next(next)})


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, form: FormData, db: SessionDep) -> Response:
    target = safe_next(form.get("next"))
    keep_changes_on_error(request)
    try:
        user = auth.authenticate(db, email=form.get("email", ""),
                                 password=form.get("password", ""), ip=client_ip(request))
    except AppError as exc:
        form.pop("password", None)
        return form_with_errors(request, "accounts/login.html", exc,
                                {"form": form, "next": target,
                                 # a throttled person can still get in through their inbox
                                 "offer_link": isinstance(exc, TooManyRequests)})
    sign_in(request, db, user)
    return redirect(target)


@router.post("/logout")
def logout(request: Request, db: SessionDep) -> Response:
    token = request.session.get(SESSION_TOKEN_KEY)
    if token:
        auth.end_session(db, raw_token=token)
    request.session.clear()
    return redirect("/")


def account_context(db: Session, user: User) -> dict[str, object]:
    """What the account page shows: the profile, API tokens and linked sign-in providers."""
    return {"user": user, "tokens": auth.list_tokens(db, user=user),
            "identities": identities.list_for_user(db, user=user), "form": {}, "errors": {},
            "role_labels": ROLE_LABELS, "now": utcnow(),  # tokens past their expiry
            # the security section (_security.html): browsers signed in, in words
            "sessions": [(s, devices.describe(s.user_agent))
                         for s in auth.list_sessions(db, user=user)]}


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, user: CurrentUser, db: SessionDep) -> Response:
    return render(request, "accounts/account.html", account_context(db, user))


@router.post("/account", response_class=HTMLResponse)
def update_account(request: Request, user: CurrentUser, form: FormData,
                   db: SessionDep) -> Response:
    sent: str | None = None
    try:
        if form.get("email", "").strip():
            # The address changes only when the link emailed to the new one is followed.
            sent = email_links.request_email_change(
                db, user=user, email=form["email"], password=form.get("current_password") or None,
                signed_in_at=request.state.signed_in_at, ip=client_ip(request))
        accounts_service.update_profile(
            db, user=user, display_name=form.get("display_name"),
            organisation=form.get("organisation"), country_code=form.get("country_code", ""))
    except AppError as exc:
        if exc.code == "reauthentication_failed":
            keep_changes_on_error(request)  # the failed try is counted (nothing else was saved)
        form.pop("current_password", None)
        return form_with_errors(request, "accounts/account.html", exc,
                                {**account_context(db, user), "form": form})
    flash(request, gettext("Your profile was saved."))
    if sent:
        flash(request, translate_message(sent))
    return redirect("/account")


@router.post("/account/tokens", response_class=HTMLResponse)
def create_token(request: Request, user: CurrentUser, form: FormData,
                 db: SessionDep) -> Response:
    keep_changes_on_error(request)  # failed password confirmations are counted
    days_text = form.get("expires_in_days", "").strip()
    try:
        days = int(days_text) if days_text else None
    except ValueError:
        days = 0  # refused by create_token with the allowed range
    try:
        # A stolen cookie must not mint a token that outlives the session: confirm it is you.
        reauth.confirm_identity(db, user=user, password=form.get("current_password") or None,
                                signed_in_at=request.state.signed_in_at, ip=client_ip(request))
        token, raw = auth.create_token(db, user=user, name=form.get("name", ""),
                                       expires_in_days=days)
    except AppError as exc:
        # Shown in the tokens section, next to the form it is about (not atop the profile).
        record_refusal(request, exc)
        return render(request, "accounts/account.html",
                      {**account_context(db, user), "token_error": exc.message,
                       "token_fields": exc.fields, "token_name": form.get("name", ""),
                       "token_days": days_text},
                      status_code=exc.status_code, headers=exc.headers)
    return render(request, "accounts/account.html",
                  {**account_context(db, user), "new_token": raw, "new_token_name": token.name},
                  status_code=201)


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(token_id: ObjectId, request: Request, user: CurrentUser,
                 db: SessionDep) -> Response:
    auth.revoke_token(db, user=user, token_id=token_id)
    flash(request, gettext("The token was revoked."))
    return redirect("/account")


@router.get("/admin/users", response_class=HTMLResponse)
def admin_users(request: Request, admin: AdminUser, db: SessionDep, q: str | None = None,
                offset: Offset = 0) -> Response:
    users, total = accounts_service.list_users(db, query=q, limit=50, offset=offset)
    return render(request, "accounts/admin_users.html",
                  {"users": users, "total": total, "q": q or "", "offset": offset,
                   "roles": list(Role), "role_labels": ROLE_LABELS})


@router.post("/admin/users/{user_id}/roles")
def admin_change_role(user_id: ObjectId, request: Request, admin: AdminUser, form: FormData,
                      db: SessionDep) -> Response:
    try:
        role = Role(form.get("role", ""))
    except ValueError as exc:
        raise ValidationFailed(fields={"role": N_("unknown role")}) from exc
    target = accounts_service.get(db, user_id=user_id)
    if form.get("action") == "revoke":
        accounts_service.revoke_role(db, user=target, role=role, revoked_by=admin)
        flash(request, gettext("%(name)s no longer has the %(role)s role.")
              % {"name": target.display_name, "role": gettext(ROLE_LABELS[role.value])})
    else:
        accounts_service.grant_role(db, user=target, role=role, granted_by=admin)
        flash(request, gettext("%(name)s now has the %(role)s role.")
              % {"name": target.display_name, "role": gettext(ROLE_LABELS[role.value])})
    return redirect(f"/admin/users?{urlencode({'q': form.get('q', '')})}")
