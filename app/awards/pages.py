"""The awards page of a challenge: all awards and appeals for its manager (admins decide the
appeals there), an entrant's own award and appeal for them, with the appeal form while the
window is open."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from app import workflow
from app.accounts.deps import AdminUser, CurrentUser, csrf_protect
from app.accounts.models import User
from app.awards import appeals, reasons, service
from app.awards.models import PaymentMethod
from app.awards.schemas import AppealDecisionIn, AppealIn
from app.challenges import clock, deadlines
from app.challenges import service as challenges_service
from app.challenges.access import is_admin, is_manager
from app.challenges.enums import STATE_LABELS
from app.challenges.models import Challenge
from app.errors import AppError, ValidationFailed
from app.i18n.translate import N_, gettext
from app.kit.forms import FormData, parse_form, redirect, refused_form
from app.kit.routing import APIRouter
from app.kit.schemas import MAX_DB_INT, ObjectId
from app.kit.templating import flash, render
from app.kit.unit_of_work import SessionDep
from app.submissions import access as submissions_access

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)


def context(db: Session, challenge_id: int, user: User) -> dict[str, Any]:
    table = workflow.awards_table(db, challenge_id=challenge_id, user=user)
    challenge = challenges_service.get(db, challenge_id=challenge_id, viewer=user)
    filed = appeals.list_appeals(db, challenge_id=challenge_id, user=user)
    return {"table": table, "state_label": STATE_LABELS[table.state],
            "manager": table.purse_minor is not None, "admin": is_admin(user),
            "appeals": filed, "appealed": {a.submission_id for a in filed},
            "appeals_open": deadlines.appeals_open(challenge, clock.now()),
            # The reasons as messages (the table's are plain text), so the page translates them.
            "reasons_of": {entry: reasons.shown(award.reasons) for entry, award in
                           service.current(db, challenge_id=challenge_id).items()},
            "methods": list(PaymentMethod), "today": clock.now().date(),
            "form": {}, "errors": {}, "error_target": None}


@router.get("/challenges/{challenge_id:int}/awards", response_class=HTMLResponse)
def awards_page(challenge_id: ObjectId, request: Request, user: CurrentUser,
                db: SessionDep) -> Response:
    return render(request, "awards/awards.html", context(db, challenge_id, user))


def entry_id(text: str) -> int:
    """The entry a form names by its submission id; 422 next to the field otherwise."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_DB_INT:
        raise ValidationFailed(fields={"submission_id": N_("choose your entry")})
    return int(text)


@router.post("/challenges/{challenge_id:int}/appeals", response_class=HTMLResponse)
def file_appeal(challenge_id: ObjectId, request: Request, form: FormData, user: CurrentUser,
                db: SessionDep) -> Response:
    target = form.get("submission_id", "")
    try:
        body = parse_form(AppealIn, {"submission_id": entry_id(target),
                                     "reason": form.get("reason", "")},
                          N_("The appeal needs a reason."))
        workflow.file_appeal(db, challenge_id=challenge_id, user=user, body=body)
    except AppError as exc:
        return refused_form(request, db, exc, "awards/awards.html", lambda: {
            **context(db, challenge_id, user), "form": form, "error_target": f"s{target}"})
    flash(request, gettext("Your appeal was filed; an admin will decide it and you will be told."))
    return redirect(f"/challenges/{challenge_id}/awards")


@router.post("/appeals/{appeal_id:int}/decision", response_class=HTMLResponse)
def decide_appeal(appeal_id: ObjectId, request: Request, form: FormData, admin: AdminUser,
                  db: SessionDep) -> Response:
    appeal = appeals.get(db, appeal_id=appeal_id)
    try:
        body = parse_form(AppealDecisionIn, {"outcome": form.get("outcome", ""),
                                             "decision": form.get("decision", "")},
                          N_("The decision is not complete."))
        decided = workflow.decide_appeal(db, appeal_id=appeal_id, admin=admin, body=body)
    except AppError as exc:
        return refused_form(request, db, exc, "awards/awards.html", lambda: {
            **context(db, appeal.challenge_id, admin), "form": form,
            "error_target": f"a{appeal_id}"})
    said = (gettext("The appeal for “%(title)s” was upheld; the awards were recomputed.")
            if decided.status.value == "upheld" else
            gettext("The appeal for “%(title)s” was dismissed."))
    flash(request, said % {"title": decided.entry_title})
    return redirect(f"/challenges/{appeal.challenge_id}/awards")


def _challenge_links(db: Session, challenge: Challenge, user: User | None
                     ) -> list[tuple[str, str]]:
    """"Awards" on the challenge's page once proposed, for its manager and its entrants."""
    if user is None or not service.awards_shown(challenge):
        return []
    if is_manager(challenge, user) or submissions_access.registration_for(
            db, challenge=challenge, user=user) is not None:
        return [(service.awards_url(challenge), N_("Awards"))]
    return []


CHALLENGE_LINKS = _challenge_links
