"""JSON API of the money after the awards: payments, holdback checks, and the award inputs
anyone can recompute the awards from."""

from __future__ import annotations

from typing import Any

from app import workflow
from app.accounts.deps import CurrentUser, OptionalUser
from app.awards.schemas import HoldbackCheckIn, HoldbackCheckRead, PaymentIn, PaymentRead
from app.challenges.deps import ManagedChallenge, VisibleChallenge
from app.kit.openapi import error_responses
from app.kit.routing import APIRouter
from app.kit.schemas import ObjectId
from app.kit.unit_of_work import SessionDep
from app.verification import access as verification_access

router = APIRouter(prefix="/api/v1", tags=["awards"])


@router.post("/challenges/{challenge_id}/payments", response_model=PaymentRead, status_code=201,
             responses=error_responses(404, 409, 422))
def record_payment(challenge: ManagedChallenge, body: PaymentIn, user: CurrentUser,
                   db: SessionDep) -> object:
    """Record one payment against a final award (sponsor or admin): never more than is payable
    now (422); the entrants are told and the ledger keeps it."""
    return workflow.record_payment(db, challenge=challenge, user=user, body=body)


@router.post("/challenges/{challenge_id}/holdback-checks", response_model=HoldbackCheckRead,
             status_code=201, responses=error_responses(404, 409, 422))
def check_holdback(challenge_id: ObjectId, body: HoldbackCheckIn, user: CurrentUser,
                   db: SessionDep) -> object:
    """A verifier attests whether an award's outcome persisted once its holdback is due: met
    releases the holdback, missed forfeits it."""
    seat = verification_access.as_verifier(db, challenge_id=challenge_id, user=user)
    return workflow.check_holdback(db, challenge=seat.challenge, user=user, body=body)


@router.get("/challenges/{challenge_id}/awards/inputs", response_model=dict[str, Any],
            responses=error_responses(409))
def award_inputs(challenge: VisibleChallenge, user: OptionalUser, db: SessionDep) -> object:
    """Once awards are proposed: the frozen contract, the final ranking (codes and normalised
    totals) and each entry's verified values, from which
    `valleycross awards recompute FILE` reproduces every amount offline."""
    return workflow.award_inputs(db, challenge=challenge, viewer=user)
