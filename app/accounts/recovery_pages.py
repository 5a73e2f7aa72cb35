"""Pages for links sent by email: confirming an address, resetting a forgotten password and
signing in with a link. Opening a link only shows a button; the POST uses it, so mail scanners
that open every link use nothing up."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response

from app.accounts import email_links, recovery
from app.accounts.deps import CurrentUser, OptionalUser, csrf_protect
from app.accounts.models import LinkPurpose
from app.accounts.pages import sign_in
from app.errors import AppError, record_refusal
from app.i18n.translate import N_, gettext, translate_message
from app.kit.forms import FormData, form_with_errors, redirect
from app.kit.proxies import client_ip
from app.kit.routing import APIRouter
from app.kit.templating import flash, render
from app.kit.unit_of_work import SessionDep

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)

# A page showing a link's token is neither cached nor kept.
PRIVATE = {"Cache-Control": "no-store"}

VERIFY = {"title": N_("Confirm your email address"),
          "intro": N_("Press the button to confirm that this address is yours."),
          "button": N_("Confirm my email address"), "ask_again": "/account"}
SIGN_IN = {"title": N_("Sign in with a link"),
           "intro": N_("Press the button to sign in to your account in this browser."),
           "button": N_("Sign in"), "ask_again": "/login/link"}
RESET_REQUEST = {"title": N_("Reset your password"),
                 "intro": N_("Give the address of your account: we email it a link to choose a "
                             "new password."),
                 "button": N_("Email me a reset link"), "action": "/password-reset"}
LINK_REQUEST = {"title": N_("Sign in with a link by email"),
                "intro": N_("Give the address of your account: we email it a link that signs "
                            "you in once, within 15 minutes. It works even while password "
                            "sign-in is paused after too many tries."),
                "button": N_("Email me a sign-in link"), "action": "/login/link"}


def _link_page(request: Request, db: SessionDep, raw: str, purpose: LinkPurpose,
               texts: dict[str, str], action: str, exc: AppError | None = None) -> Response:
    if exc is None:
        try:
            email_links.peek(db, raw=raw, purpose=purpose)
        except AppError as invalid:
            exc = invalid
    valid = exc is None  # a refused use (address taken, account blocked) offers no button again
    context: dict[str, Any] = {**texts, "action": action, "valid": valid, "errors": {},
                               "error_message": exc.message if exc else None}
    status = exc.status_code if exc else 200
    if exc is not None:
        record_refusal(request, exc)
    return render(request, "accounts/link_confirm.html", context, status_code=status,
                  headers=PRIVATE)


# -- confirming an address ---------------------------------------------------------------------

@router.get("/verify-email/{token}", response_class=HTMLResponse)
def verify_email_page(token: str, request: Request, db: SessionDep) -> Response:
    return _link_page(request, db, token, LinkPurpose.VERIFY_EMAIL, VERIFY,
                      f"/verify-email/{token}")


@router.post("/verify-email/{token}", response_class=HTMLResponse)
def verify_email(token: str, request: Request, user: OptionalUser, db: SessionDep) -> Response:
    try:
        email_links.verify_email(db, raw=token, ip=client_ip(request))
    except AppError as exc:
        db.rollback()
        return _link_page(request, db, token, LinkPurpose.VERIFY_EMAIL, VERIFY,
                          f"/verify-email/{token}", exc)
    flash(request, gettext("Your email address is confirmed."))
    return redirect("/account" if user is not None else "/login")


@router.post("/account/email-verification")
def resend_verification(request: Request, user: CurrentUser, db: SessionDep) -> Response:
    try:
        sent = email_links.resend_verification(db, user=user)
    except AppError as exc:  # throttled: said on the account page
        record_refusal(request, exc)
        flash(request, translate_message(exc.message), "error")
        return redirect("/account")
    flash(request, gettext("We emailed you a new link; the older ones no longer work.") if sent
          else gettext("Your email address is confirmed already."))
    return redirect("/account")


# -- a forgotten password ----------------------------------------------------------------------

def _email_form(request: Request, texts: dict[str, str], form: dict[str, str] | None = None,
                exc: AppError | None = None) -> Response:
    context = {**texts, "form": form or {}, "errors": {}}
    if exc is not None:
        return form_with_errors(request, "accounts/email_request.html", exc, context)
    return render(request, "accounts/email_request.html", context)


def _check_inbox(request: Request, message: str, email: str) -> Response:
    return render(request, "accounts/check_inbox.html",
                  {"title": N_("Check your inbox"), "message": message, "email": email})


@router.get("/password-reset", response_class=HTMLResponse)
def reset_request_form(request: Request) -> Response:
    return _email_form(request, RESET_REQUEST)


@router.post("/password-reset", response_class=HTMLResponse)
def reset_request(request: Request, form: FormData, db: SessionDep) -> Response:
    try:
        message = recovery.request_password_reset(db, email=form.get("email", ""),
                                                  ip=client_ip(request))
    except AppError as exc:
        return _email_form(request, RESET_REQUEST, form, exc)
    return _check_inbox(request, message, form.get("email", "").strip())


def _reset_form(request: Request, token: str, *, valid: bool = True,
                exc: AppError | None = None) -> Response:
    context = {"action": f"/password-reset/{token}", "valid": valid, "errors": {},
               "error_message": None}
    if exc is not None:
        return form_with_errors(request, "accounts/password_reset_form.html", exc,
                                {**context, "valid": exc.code != "link_not_valid"})
    return render(request, "accounts/password_reset_form.html", context, headers=PRIVATE)


@router.get("/password-reset/{token}", response_class=HTMLResponse)
def reset_form(token: str, request: Request, db: SessionDep) -> Response:
    try:
        email_links.peek(db, raw=token, purpose=LinkPurpose.RESET_PASSWORD)
    except AppError as exc:
        return _reset_form(request, token, exc=exc)
    return _reset_form(request, token)


@router.post("/password-reset/{token}", response_class=HTMLResponse)
def reset(token: str, request: Request, form: FormData, db: SessionDep) -> Response:
    try:
        recovery.reset_password(db, raw=token, password=form.get("password", ""),
                                ip=client_ip(request))
    except AppError as exc:
        return _reset_form(request, token, exc=exc)
    request.session.clear()  # this browser's session ended with the others
    flash(request, gettext("Your password was changed and every session was signed out. Sign "
                           "in with the new password."))
    return redirect("/login")


# -- a sign-in link ----------------------------------------------------------------------------

@router.get("/login/link", response_class=HTMLResponse)
def link_request_form(request: Request) -> Response:
    return _email_form(request, LINK_REQUEST)


@router.post("/login/link", response_class=HTMLResponse)
def link_request(request: Request, form: FormData, db: SessionDep) -> Response:
    try:
        message = recovery.request_sign_in_link(db, email=form.get("email", ""),
                                                ip=client_ip(request))
    except AppError as exc:
        return _email_form(request, LINK_REQUEST, form, exc)
    return _check_inbox(request, message, form.get("email", "").strip())


@router.get("/login/link/{token}", response_class=HTMLResponse)
def link_page(token: str, request: Request, db: SessionDep) -> Response:
    return _link_page(request, db, token, LinkPurpose.SIGN_IN, SIGN_IN, f"/login/link/{token}")


@router.post("/login/link/{token}", response_class=HTMLResponse)
def link_sign_in(token: str, request: Request, db: SessionDep) -> Response:
    try:
        user = recovery.sign_in_with_link(db, raw=token, ip=client_ip(request))
    except AppError as exc:
        db.rollback()
        return _link_page(request, db, token, LinkPurpose.SIGN_IN, SIGN_IN,
                          f"/login/link/{token}", exc)
    sign_in(request, db, user)
    return redirect("/")
