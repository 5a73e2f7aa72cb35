"""The admins' page of one account's standing: suspend, ban, lift."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from app.accounts import service as accounts
from app.accounts.deps import AdminUser, csrf_protect
from app.accounts.models import User
from app.errors import AppError, ValidationFailed
from app.i18n.translate import N_, gettext
from app.kit.forms import FormData, form_with_errors, redirect
from app.kit.proxies import client_ip
from app.kit.routing import APIRouter
from app.kit.schemas import ObjectId
from app.kit.templating import flash, render
from app.kit.unit_of_work import SessionDep
from app.moderation import standing
from app.moderation.schemas import StandingAction

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)


def _context(db: Session, target: User) -> dict[str, Any]:
    return {"target": target, "standing": standing.read(target), "form": {}, "errors": {}}


def _until(text: str) -> dt.datetime | None:
    """The form's `datetime-local` value, read as UTC (the page says so)."""
    text = text.strip()
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
        return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None \
            else moment.astimezone(dt.UTC)
    except (ValueError, OverflowError) as exc:
        raise ValidationFailed(fields={"until": N_("give a date and time, e.g. "
                                                   "2027-01-31T18:00")}) from exc


@router.get("/admin/users/{user_id}/standing", response_class=HTMLResponse)
def standing_page(user_id: ObjectId, request: Request, admin: AdminUser,
                  db: SessionDep) -> Response:
    return render(request, "moderation/standing.html",
                  _context(db, accounts.get(db, user_id=user_id)))


@router.post("/admin/users/{user_id}/standing", response_class=HTMLResponse)
def change_standing(user_id: ObjectId, request: Request, admin: AdminUser, form: FormData,
                    db: SessionDep) -> Response:
    target = accounts.get(db, user_id=user_id)
    try:
        try:
            action = StandingAction(form.get("action", ""))
        except ValueError as exc:
            raise ValidationFailed(fields={"action": N_("Choose suspend, ban or lift.")}) \
                from exc
        standing.change(db, admin=admin, user_id=target.id, action=action,
                        until=_until(form.get("until", "")) if action == StandingAction.SUSPEND
                        else None, reason=form.get("reason"), ip=client_ip(request))
    except AppError as exc:
        if exc.status_code == 404:
            raise
        db.rollback()
        target = accounts.get(db, user_id=user_id)
        return form_with_errors(request, "moderation/standing.html", exc,
                                {**_context(db, target), "form": dict(form)})
    flash(request, {StandingAction.SUSPEND: gettext("%(name)s is suspended and signed out "
                                                    "everywhere."),
                    StandingAction.BAN: gettext("%(name)s is banned and signed out "
                                                "everywhere."),
                    StandingAction.LIFT: gettext("%(name)s can sign in again.")}[action]
          % {"name": target.display_name})
    return redirect(f"/admin/users/{target.id}/standing")
