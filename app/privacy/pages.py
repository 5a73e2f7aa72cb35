"""Pages for one's own data (download it, delete the account) and the public /terms and
/privacy, whose figures come from the running settings rather than from prose."""

from __future__ import annotations

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from app.accounts import reauth
from app.accounts.deps import CurrentUser, OptionalUser, csrf_protect
from app.accounts.models import User
from app.accounts.routes import client_ip
from app.config import Settings, get_settings
from app.errors import AppError
from app.i18n.middleware import ONE_YEAR, cookie_name
from app.i18n.translate import gettext
from app.kit import rate_limit
from app.kit.forms import FormData, form_with_errors, redirect
from app.kit.routing import APIRouter
from app.kit.templating import flash, render
from app.kit.unit_of_work import SessionDep, keep_changes_on_error
from app.privacy import export
from app.privacy import service as privacy_service
from app.privacy.routes import export_response

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)
DAY = 24 * 3600


@router.get("/account/export")
def export_download(user: CurrentUser, db: SessionDep) -> Response:
    """The "Download your data" button: the same file as GET /api/v1/me/export."""
    return export_response(export.personal_data(db, user=user), export.filename(user))


def _delete_context(db: Session, user: User) -> dict[str, object]:
    return {"user": user, "blockers": privacy_service.blockers(db, user=user),
            "has_password": user.password_hash is not None,
            "fresh_minutes": int(reauth.FRESH_SIGN_IN.total_seconds() // 60),
            "form": {}, "errors": {}}


@router.get("/account/delete", response_class=HTMLResponse)
def delete_form(request: Request, user: CurrentUser, db: SessionDep) -> Response:
    return render(request, "privacy/delete.html", _delete_context(db, user))


@router.post("/account/delete", response_class=HTMLResponse)
def delete_account(request: Request, user: CurrentUser, form: FormData,
                   db: SessionDep) -> Response:
    keep_changes_on_error(request)  # failed password tries must be counted
    try:
        privacy_service.check_deletable(db, user=user)
        reauth.confirm_identity(db, user=user, password=form.get("current_password") or None,
                                signed_in_at=getattr(request.state, "signed_in_at", None),
                                ip=client_ip(request))
        privacy_service.delete_account(db, user=user, ip=client_ip(request))
    except AppError as exc:
        return form_with_errors(request, "privacy/delete.html", exc, _delete_context(db, user))
    request.session.clear()
    request.state.user = None
    flash(request, gettext("Your account was deleted. Thank you for taking part."))
    return redirect("/")


def _days(seconds: int) -> int:
    return max(1, round(seconds / DAY))


def _facts(settings: Settings) -> dict[str, object]:
    """The figures the two pages state, read from the settings this server runs with."""
    idle = getattr(settings, "session_idle_seconds", None)
    return {
        "session_days": _days(settings.session_max_age_seconds),
        "idle_days": _days(idle) if idle else None,
        "token_days": getattr(settings, "token_default_days", None),
        "login_window_minutes": settings.login_window_seconds // 60,
        "language_cookie_days": ONE_YEAR // DAY,
        "session_cookie": "__Host-vc_session" if settings.is_https else "vc_session",
        "language_cookie": cookie_name(settings.is_https),
        "rate_limit_hours": int(rate_limit.DAY.total_seconds() // 3600),
        "email_enabled": settings.email_enabled,
        "oidc_enabled": settings.oidc_enabled,
        "oidc_name": settings.oidc_display_name,
        "max_file_mib": settings.submission_max_file_bytes // (1024 * 1024),
    }


@router.get("/privacy", response_class=HTMLResponse)
def privacy_page(request: Request, user: OptionalUser) -> Response:
    return render(request, "privacy/privacy.html", {"facts": _facts(get_settings())})


@router.get("/terms", response_class=HTMLResponse)
def terms_page(request: Request, user: OptionalUser) -> Response:
    return render(request, "privacy/terms.html", {"facts": _facts(get_settings())})
