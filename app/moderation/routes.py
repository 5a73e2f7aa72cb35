"""JSON API for reports, the moderation queue and an account's standing."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Response

from app.accounts.deps import CurrentUser, require_role
from app.accounts.models import Role, User
from app.kit.openapi import error_responses
from app.kit.proxies import client_ip
from app.kit.routing import APIRouter
from app.kit.schemas import ObjectId
from app.kit.unit_of_work import SessionDep
from app.moderation import service, standing
from app.moderation.models import ReportState, SubjectKind
from app.moderation.schemas import (
    DecisionIn,
    DecisionRead,
    ReportedSubject,
    ReportIn,
    ReportRead,
    StandingIn,
    StandingRead,
)

router = APIRouter(prefix="/api/v1", tags=["moderation"])

ModeratorUser = Annotated[User, Depends(require_role(Role.CURATOR, Role.ADMIN))]
AdminOnly = Annotated[User, Depends(require_role(Role.ADMIN))]


@router.post("/reports", response_model=ReportRead, status_code=201,
             responses={**error_responses(404, 429),
                        200: {"model": ReportRead,
                              "description": "Your report of it that is still open"}})
def report(body: ReportIn, user: CurrentUser, db: SessionDep, response: Response) -> object:
    """Report a question, answer, team name, challenge, suggestion or profile you can see.
    While your report of it is open, sending it again answers 200 with that report."""
    item, created = service.report(db, reporter=user, kind=body.subject_kind,
                                   subject_id=body.subject_id, reason=body.reason,
                                   note=body.note)
    if not created:
        response.status_code = 200
    return item


@router.get("/reports/mine", response_model=list[ReportRead])
def my_reports(user: CurrentUser, db: SessionDep) -> object:
    """Your reports and what the moderators decided, newest first."""
    return service.reports_of(db, reporter=user)


@router.get("/moderation/reports", response_model=list[ReportedSubject])
def reported(user: ModeratorUser, db: SessionDep,
             state: ReportState = ReportState.OPEN) -> object:
    """Curators and admins: reports grouped by subject, the most reported first."""
    return service.queue(db, moderator=user, state=state)


@router.post("/moderation/subjects/{kind}/{subject_id}", response_model=DecisionRead,
             responses=error_responses(404, 409))
def decide(kind: SubjectKind, subject_id: ObjectId, body: DecisionIn, user: ModeratorUser,
           request: Request, db: SessionDep) -> object:
    """Hide, restore or dismiss: decides every open report of the subject (409 if another
    moderator was first)."""
    return service.decide(db, moderator=user, kind=kind, subject_id=subject_id,
                          action=body.action, reason=body.reason, ip=client_ip(request))


@router.put("/users/{user_id}/standing", response_model=StandingRead,
            responses=error_responses(404, 409))
def change_standing(user_id: ObjectId, body: StandingIn, user: AdminOnly, request: Request,
                    db: SessionDep) -> object:
    """Admins: suspend (until a time), ban or lift; suspending or banning ends every session
    and token of the person at once."""
    return standing.change(db, admin=user, user_id=user_id, action=body.action,
                           until=body.until, reason=body.reason, ip=client_ip(request))
