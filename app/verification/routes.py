"""JSON API of outcome verification: the verifier's queue, a challenge's verification (its
manager and verifiers) and attesting one measured outcome (verifiers)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path

from app import workflow
from app.accounts.deps import CurrentUser, require_role
from app.accounts.models import Role, User
from app.challenges import clock
from app.kit.openapi import error_responses
from app.kit.routing import APIRouter
from app.kit.schemas import ObjectId
from app.kit.unit_of_work import SessionDep
from app.verification import access, service
from app.verification.schemas import (
    AttestationIn,
    EntryOutcomeRead,
    VerificationQueueRead,
    VerificationRead,
)

router = APIRouter(prefix="/api/v1", tags=["verification"])
VerifierUser = Annotated[User, Depends(require_role(Role.VERIFIER))]
TargetKeyPath = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_]{0,39}$", description="e.g. t1")]
BASE = "/challenges/{challenge_id}/verification"


@router.get("/verification/challenges", response_model=list[VerificationQueueRead])
def my_queue(user: VerifierUser, db: SessionDep) -> object:
    """Challenges in verification, with how many shortlisted entries are verified, not met or
    pending."""
    return service.queue(db, user=user)


@router.get(BASE, response_model=VerificationRead, responses=error_responses(409))
def get_verification(challenge_id: ObjectId, user: CurrentUser,
                     db: SessionDep) -> object:
    """The entries judging shortlisted, each target's attested value and each entry's status."""
    seat = access.seat(db, challenge_id=challenge_id, user=user)
    return service.overview(seat=seat, shortlist=workflow.shortlist(db, seat.challenge),
                            now=clock.now())


@router.put(f"{BASE}/entries/{{submission_id}}/targets/{{target_key}}",
            response_model=EntryOutcomeRead, responses=error_responses(403, 409))
def attest(challenge_id: ObjectId, submission_id: ObjectId, target_key: TargetKeyPath,
           body: AttestationIn, user: CurrentUser, db: SessionDep) -> object:
    """Attest (or correct) the measured value of one target, with the evidence."""
    seat = access.as_verifier(db, challenge_id=challenge_id, user=user)
    return workflow.attest(db, seat=seat, user=user, submission_id=submission_id,
                           target_key=target_key, body=body)
