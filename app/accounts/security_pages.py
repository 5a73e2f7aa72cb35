"""Pages for one's own sign-in security on /account: signed-in browsers and the password."""

from __future__ import annotations

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response

from app.accounts import auth
from app.accounts.deps import CurrentUser, csrf_protect
from app.accounts.pages import account_context
from app.accounts.security_routes import session_token
from app.errors import AppError, record_refusal
from app.i18n.translate import gettext
from app.kit.forms import FormData, redirect
from app.kit.proxies import client_ip
from app.kit.routing import APIRouter
from app.kit.schemas import ObjectId
from app.kit.templating import flash, render
from app.kit.unit_of_work import SessionDep, keep_changes_on_error

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)


@router.post("/account/sessions/{session_id}/revoke")
def revoke_session(session_id: ObjectId, request: Request, user: CurrentUser,
                   db: SessionDep) -> Response:
    auth.revoke_session(db, user=user, session_id=session_id)
    if session_id == getattr(request.state, "session_id", None):
        request.session.clear()  # this very browser: signed out
        return redirect("/login")
    flash(request, gettext("That browser was signed out."))
    return redirect("/account#h-security")


@router.post("/account/sessions/revoke-others")
def revoke_other_sessions(request: Request, user: CurrentUser, db: SessionDep) -> Response:
    ended = auth.end_all_sessions(db, user_id=user.id, keep_raw_token=session_token(request),
                                  reason="signed_out_everywhere")
    flash(request, gettext("Signed out everywhere else (%(n)s browsers).") % {"n": ended})
    return redirect("/account#h-security")


@router.post("/account/password", response_class=HTMLResponse)
def change_password(request: Request, user: CurrentUser, form: FormData,
                    db: SessionDep) -> Response:
    keep_changes_on_error(request)  # failed password confirmations are counted
    try:
        auth.change_password(
            db, user=user, current_password=form.get("current_password") or None,
            new_password=form.get("new_password", ""),
            signed_in_at=request.state.signed_in_at, keep_raw_token=session_token(request),
            ip=client_ip(request))
    except AppError as exc:
        # Shown in the security section, next to the form it is about.
        record_refusal(request, exc)
        return render(request, "accounts/account.html",
                      {**account_context(db, user), "password_error": exc.message,
                       "password_fields": exc.fields},
                      status_code=exc.status_code, headers=exc.headers)
    flash(request, gettext("Your password was changed; every other browser was signed out."))
    return redirect("/account#h-security")
