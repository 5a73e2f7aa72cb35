"""JSON API of the money after the awards: payments, holdback checks, and the award inputs
anyone can recompute the awards from."""

from __future__ import annotations

from typing import Any

from app import workflow
from app.accounts.deps import CurrentUser, OptionalUser
from app.awards import payments
from app.awards.schemas import HoldbackCheckIn, HoldbackCheckRead, PaymentIn, PaymentRead, ToDoRead
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


def to_do_items(db: SessionDep, user: CurrentUser) -> list[ToDoRead]:
    from app.accounts.models import Role
    from app.challenges import clock

    items = payments.to_do(db, user_id=user.id, sponsor=user.has_role(Role.SPONSOR),
                           verifier=verification_access.is_verifier(user),
                           admin=user.has_role(Role.ADMIN), today=clock.now().date())
    return [ToDoRead(
        challenge_id=item.challenge.id, challenge_title=item.challenge.title,
        submission_id=item.money.award.submission_id,
        money_state=item.money.payout.state(clock.now().date()).value,
        amount_minor=item.money.payout.payable_minor or item.money.payout.held_minor,
        currency=item.money.award.currency,
        holdback_due_on=item.money.payout.holdback_due_on) for item in items]


@router.get("/me/payouts", response_model=list[ToDoRead], responses=error_responses(401))
def my_payouts(db: SessionDep, user: CurrentUser) -> object:
    """Awards waiting for the caller: payments to record on the challenges they sponsor (all,
    for an admin), holdbacks due for a persistence check (for verifiers)."""
    return to_do_items(db, user)
