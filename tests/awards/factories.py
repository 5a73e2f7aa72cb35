"""Arrange awards: a challenge in verification (tests.verification.factories) whose first
shortlisted entry meets its required target and whose second misses it, verification closed,
awards proposed by its owner. Its prize rules (tests.challenges.factories.body): a purse of
USD 100,000.00, ranked places of 50,000 / 30,000 / 20,000, 20% held back for 180 days."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.orm import Session

from app import workflow
from app.verification import access
from app.verification.schemas import AttestationIn
from tests.challenges.factories import T0, Clock
from tests.verification.factories import Verifying, verification_challenge

VERIFICATION_CLOSED = T0 + dt.timedelta(days=90)


def attest(db: Session, v: Verifying, entry: int, value: str) -> None:
    seat = access.as_verifier(db, challenge_id=v.challenge.id, user=v.verifier)
    workflow.attest(db, seat=seat, user=v.verifier, submission_id=v.judged.entries[entry].id,
                    target_key="cooling", body=AttestationIn(measured_value=Decimal(value),
                                                             evidence="Logger readings."))
    db.commit()


def verified_and_closed(db: Session, clock: Clock) -> Verifying:
    """Entry 0 verified (640 >= 500 tonne-days), entry 1 not met (480), verification closed."""
    v = verification_challenge(db, clock)
    attest(db, v, 0, "640")
    attest(db, v, 1, "480")
    clock.set(VERIFICATION_CLOSED)
    return v


def awards_proposed(db: Session, clock: Clock) -> Verifying:
    v = verified_and_closed(db, clock)
    workflow.propose_awards(db, challenge=v.challenge, user=v.judged.owner)
    db.commit()
    return v


def finalised(db: Session, clock: Clock) -> Verifying:
    """Awards proposed as `awards_proposed` makes them, the 14-day appeals window over, and the
    challenge finalised by an admin."""
    v = awards_proposed(db, clock)
    clock.set(VERIFICATION_CLOSED + dt.timedelta(days=14))
    workflow.finalise(db, challenge=v.challenge, user=v.judged.admin)
    db.commit()
    return v
