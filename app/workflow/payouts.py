"""After the awards are final: the sponsor records payments, a verifier checks each holdback
when it falls due; the entrants are told, the ledger and the audit log keep both."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.audit import service as audit
from app.awards import payments
from app.awards.models import AwardPayment, HoldbackCheck
from app.awards.schemas import HoldbackCheckIn, PaymentIn
from app.challenges import clock
from app.challenges.models import Challenge
from app.workflow import notices


def record_payment(db: Session, *, challenge: Challenge, user: User,
                   body: PaymentIn) -> AwardPayment:
    """The challenge's manager (checked by the caller's loader) records one payment."""
    today = clock.now().date()
    payment = payments.record_payment(
        db, challenge=challenge, submission_id=body.submission_id,
        amount_minor=body.amount_minor, currency=body.currency, paid_on=body.paid_on,
        method=body.method, reference=body.reference, actor_id=user.id, today=today)
    audit.record(db, event="awards.payment_recorded", actor_id=user.id,
                 challenge_id=challenge.id, submission_id=body.submission_id,
                 amount_minor=body.amount_minor, currency=body.currency,
                 ledger_sequence=payment.ledger_sequence)
    money = payments.money(db, challenge=challenge)[body.submission_id]
    notices.payment_recorded(db, challenge, payment, money, today)
    return payment


def check_holdback(db: Session, *, challenge: Challenge, user: User,
                   body: HoldbackCheckIn) -> HoldbackCheck:
    """A verifier (checked by the caller's loader) attests whether the outcome persisted."""
    check = payments.check_holdback(
        db, challenge=challenge, submission_id=body.submission_id, measured=body.measured,
        evidence=body.evidence, actor_id=user.id, today=clock.now().date())
    audit.record(db, event=f"awards.holdback_{check.outcome.value}", actor_id=user.id,
                 challenge_id=challenge.id, submission_id=body.submission_id,
                 amount_minor=check.amount_minor, ledger_sequence=check.ledger_sequence)
    notices.holdback_checked(db, challenge, check)
    return check
