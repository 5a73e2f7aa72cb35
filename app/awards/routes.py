"""JSON API of awards: the proposed (or final) awards of a challenge."""

from __future__ import annotations

from app import workflow
from app.accounts.deps import CurrentUser
from app.awards.schemas import AwardsRead
from app.kit.openapi import error_responses
from app.kit.routing import APIRouter
from app.kit.schemas import ObjectId
from app.kit.unit_of_work import SessionDep

router = APIRouter(prefix="/api/v1", tags=["awards"])


@router.get("/challenges/{challenge_id}/awards", response_model=AwardsRead,
            responses=error_responses(409))
def get_awards(challenge_id: ObjectId, user: CurrentUser,
               db: SessionDep) -> object:
    """Every shortlisted entry's award for the challenge's manager; an entrant's own entry for
    them (404 for everyone else; 409 before awards are proposed)."""
    return workflow.awards_table(db, challenge_id=challenge_id, user=user)
