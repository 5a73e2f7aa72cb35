"""JSON API of appeals: entrants file them, the manager and entrants list them, admins decide."""

from __future__ import annotations

from app import workflow
from app.accounts.deps import AdminUser, CurrentUser
from app.awards import appeals
from app.awards.schemas import AppealDecisionIn, AppealIn, AppealRead
from app.kit.openapi import error_responses
from app.kit.routing import APIRouter
from app.kit.schemas import ObjectId
from app.kit.unit_of_work import SessionDep

router = APIRouter(prefix="/api/v1", tags=["awards"])


@router.get("/challenges/{challenge_id}/appeals", response_model=list[AppealRead])
def list_appeals(challenge_id: ObjectId, user: CurrentUser,
                 db: SessionDep) -> object:
    """Every appeal for the challenge's manager, an entrant's own for them (404 for others)."""
    return appeals.list_appeals(db, challenge_id=challenge_id, user=user)


@router.post("/challenges/{challenge_id}/appeals", response_model=AppealRead, status_code=201,
             responses=error_responses(409))
def file_appeal(challenge_id: ObjectId, body: AppealIn, user: CurrentUser,
                db: SessionDep) -> object:
    """Appeal against the proposed awards for your entry, once, while the window is open."""
    return workflow.file_appeal(db, challenge_id=challenge_id, user=user, body=body)


@router.post("/appeals/{appeal_id}/decision", response_model=AppealRead,
             responses=error_responses(409))
def decide_appeal(appeal_id: ObjectId, body: AppealDecisionIn, admin: AdminUser,
                  db: SessionDep) -> object:
    """Uphold (the awards are recomputed) or dismiss an open appeal, with reasons."""
    return workflow.decide_appeal(db, appeal_id=appeal_id, admin=admin, body=body)
