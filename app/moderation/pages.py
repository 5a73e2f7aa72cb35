"""HTML pages: the report form (no JavaScript needed) and the moderators' queue."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from app.accounts.deps import CurrentUser, csrf_protect, require_role
from app.accounts.models import Role, User
from app.challenges.access import is_manager
from app.challenges.models import Challenge
from app.errors import AppError, NotFound, ValidationFailed
from app.i18n.translate import N_, gettext
from app.kit.forms import FormData, form_with_errors, redirect
from app.kit.proxies import client_ip
from app.kit.routing import APIRouter
from app.kit.schemas import MAX_DB_INT, ObjectId
from app.kit.templating import flash, render
from app.kit.unit_of_work import SessionDep
from app.moderation import service
from app.moderation.models import ReportReason, ReportState, SubjectKind
from app.moderation.schemas import Decision

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)
ROLE_NAV = [("/moderation", N_("Moderation"), 60, (Role.CURATOR, Role.ADMIN))]
ModeratorUser = Annotated[User, Depends(require_role(Role.CURATOR, Role.ADMIN))]
NOTE_LIMIT = 2000


def _challenge_links(db: Session, challenge: Challenge, user: User | None
                     ) -> list[tuple[str, str]]:
    """"Report" on a challenge's page, for the signed-in people who do not run it."""
    if user is None or is_manager(challenge, user):
        return []
    return [(f"/report?kind=challenge&id={challenge.id}", N_("Report this challenge"))]


CHALLENGE_LINKS = _challenge_links


def _subject_of(kind: str, subject_id: str) -> tuple[SubjectKind, int]:
    """The `kind` and `id` of the report form (query or form fields); 404 when they name
    nothing (as for a subject the reporter cannot see)."""
    try:
        number = int(subject_id)
        if not 1 <= number <= MAX_DB_INT:
            raise ValueError(subject_id)
        return SubjectKind(kind), number
    except ValueError as exc:
        raise NotFound(N_("There is nothing to report here.")) from exc


def _report_context(subject: Any, form: dict[str, str]) -> dict[str, Any]:
    return {"subject": subject, "form": form, "errors": {},
            "reasons": [(r.value, gettext(service.REASON_LABELS[r.value])) for r in ReportReason],
            "kind_label": service.KIND_LABELS[subject.kind.value]}


@router.get("/report", response_class=HTMLResponse)
def report_form(request: Request, user: CurrentUser, db: SessionDep,
                kind: Annotated[str, Query(max_length=20)] = "",
                id: Annotated[str, Query(max_length=12)] = "") -> Response:  # noqa: A002
    subject_kind, subject_id = _subject_of(kind, id)
    subject = service.reportable(db, kind=subject_kind, subject_id=subject_id, viewer=user)
    return render(request, "moderation/report.html", _report_context(subject, {}))


@router.post("/report", response_class=HTMLResponse)
def report(request: Request, user: CurrentUser, form: FormData, db: SessionDep) -> Response:
    subject_kind, subject_id = _subject_of(form.get("kind", ""), form.get("id", ""))
    subject = service.reportable(db, kind=subject_kind, subject_id=subject_id, viewer=user)
    try:
        reason_text, note = form.get("reason", ""), form.get("note", "").strip()
        errors = {}
        if reason_text not in {r.value for r in ReportReason}:
            errors["reason"] = N_("Choose a reason.")
        if len(note) > NOTE_LIMIT:
            errors["note"] = N_("At most 2000 characters.")
        if errors:
            raise ValidationFailed(fields=errors)
        _, created = service.report(db, reporter=user, kind=subject_kind,
                                    subject_id=subject_id, reason=ReportReason(reason_text),
                                    note=note or None)
    except AppError as exc:
        if exc.status_code == 404:
            raise
        return form_with_errors(request, "moderation/report.html", exc,
                                _report_context(subject, dict(form)))
    flash(request, gettext("Thank you. The moderators will look at it; you will be told what "
                           "they decide.") if created else
          gettext("You have already reported this; the moderators have not decided yet."))
    return redirect(subject.url or "/")


@router.get("/moderation", response_class=HTMLResponse)
def queue(request: Request, user: ModeratorUser, db: SessionDep,
          state: ReportState = ReportState.OPEN) -> Response:
    return render(request, "moderation/queue.html", {
        "groups": service.queue(db, moderator=user, state=state), "state": state.value,
        "states": [(s.value, _STATE_LABELS[s]) for s in ReportState],
        "reason_labels": service.REASON_LABELS, "kind_labels": service.KIND_LABELS,
        "errors": {}})


_STATE_LABELS = {ReportState.OPEN: N_("Open"), ReportState.HIDDEN: N_("Hidden"),
                 ReportState.DISMISSED: N_("Dismissed"), ReportState.RESTORED: N_("Restored")}


@router.post("/moderation/{kind}/{subject_id}", response_class=HTMLResponse)
def decide(kind: SubjectKind, subject_id: ObjectId, request: Request, user: ModeratorUser,
           form: FormData, db: SessionDep) -> Response:
    try:
        action = Decision(form.get("action", ""))
    except ValueError as exc:
        raise ValidationFailed(fields={"action": N_("Choose hide, restore or dismiss.")}) from exc
    back = form.get("state", ReportState.OPEN.value)
    back = back if back in {s.value for s in ReportState} else ReportState.OPEN.value
    try:
        service.decide(db, moderator=user, kind=kind, subject_id=subject_id, action=action,
                       reason=form.get("reason", ""), ip=client_ip(request))
    except AppError as exc:
        if exc.status_code == 404:
            raise
        db.rollback()
        state = ReportState(back)
        return form_with_errors(request, "moderation/queue.html", exc, {
            "groups": service.queue(db, moderator=user, state=state), "state": state.value,
            "states": [(s.value, _STATE_LABELS[s]) for s in ReportState],
            "reason_labels": service.REASON_LABELS, "kind_labels": service.KIND_LABELS,
            "failed": (kind.value, subject_id)})
    flash(request, {Decision.HIDE: gettext("Hidden; the reporters will be told."),
                    Decision.RESTORE: gettext("Shown again; the reporters will be told."),
                    Decision.DISMISS: gettext("Dismissed; the reporters will be told.")}[action])
    return redirect(f"/moderation?state={back}")
