"""Payments against final awards and the persistence checks that release or forfeit holdbacks.

Every change here is a money record (never updated or deleted) with its ledger entry, written
after taking the ledger's turn: two payments at once are decided one after the other, so the
second sees the first and cannot overpay (SQLite's write lock, PostgreSQL's row lock).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.awards.models import Award, AwardPayment, HoldbackCheck, HoldbackOutcome, PaymentMethod
from app.awards.payout import MoneyState, Payout, holdback_due_on
from app.awards.service import current
from app.challenges.enums import ChallengeState
from app.challenges.models import Challenge
from app.challenges.schemas import PrizeRules
from app.errors import Conflict, NotFound, ValidationFailed
from app.i18n.translate import N_, translatable
from app.kit.conflicts import taken_meanwhile
from app.kit.money import format_money
from app.ledger import service as ledger
from app.ledger.models import LedgerKind
from app.verification import outcomes

PAYABLE_STATES = frozenset({ChallengeState.FINAL, ChallengeState.ARCHIVED})
# An IBAN or a long run of digits: the ledger is public, so a reference must not be an account.
ACCOUNT_LIKE = re.compile(r"\b[A-Z]{2}\d{2}[A-Z0-9]{10,30}\b|\d{9,}")


@dataclass(frozen=True)
class AwardMoney:
    """One award in force with its payments, its holdback check and where its money stands."""

    award: Award
    payments: tuple[AwardPayment, ...]
    check: HoldbackCheck | None
    payout: Payout


def finalised_on(db: Session, challenge: Challenge) -> dt.datetime | None:
    from app.challenges import lifecycle

    steps = [s.at for s in lifecycle.transitions(db, challenge=challenge)
             if s.action == "finalise"]
    return steps[-1] if steps else None


def money(db: Session, *, challenge: Challenge) -> dict[int, AwardMoney]:
    """Submission id -> its award's money, for every award in force."""
    awards = current(db, challenge_id=challenge.id)
    if not awards:
        return {}
    ids = [a.id for a in awards.values()]
    paid: dict[int, list[AwardPayment]] = {}
    for payment in db.scalars(select(AwardPayment).where(AwardPayment.award_id.in_(ids))
                              .order_by(AwardPayment.id)):
        paid.setdefault(payment.award_id, []).append(payment)
    checks = {c.award_id: c for c in db.scalars(
        select(HoldbackCheck).where(HoldbackCheck.award_id.in_(ids)))}
    rules = PrizeRules.model_validate(challenge.prize_rules)
    final = challenge.state in PAYABLE_STATES
    finalised = finalised_on(db, challenge) if final else None
    due_on = holdback_due_on(finalised, rules.holdback.delay_days) \
        if finalised and rules.holdback else None
    out = {}
    for entry, award in awards.items():
        check = checks.get(award.id)
        payments = tuple(paid.get(award.id, ()))
        out[entry] = AwardMoney(award, payments, check, Payout(
            amount_minor=award.amount_minor, held_back_minor=award.held_back_minor,
            paid_minor=sum(p.amount_minor for p in payments), final=final,
            cancelled=challenge.state == ChallengeState.CANCELLED,
            holdback_due_on=due_on if award.held_back_minor else None,
            holdback=check.outcome.value if check else None))
    return out


def _award_money(db: Session, challenge: Challenge, submission_id: int) -> AwardMoney:
    found = money(db, challenge=challenge).get(submission_id)
    if found is None or found.award.amount_minor == 0:
        raise NotFound(N_("This entry has no award."))
    return found


def record_payment(db: Session, *, challenge: Challenge, submission_id: int,
                   amount_minor: int, currency: str, paid_on: dt.date,
                   method: PaymentMethod, reference: str, actor_id: int | None,
                   today: dt.date) -> AwardPayment:
    if challenge.state not in PAYABLE_STATES:
        raise Conflict(N_("Payments are recorded once the awards are final."),
                       code="awards_not_final", fields={"state": challenge.state.value})
    problems: dict[str, str] = {}
    if paid_on > today:
        problems["paid_on"] = N_("a payment cannot be dated in the future")
    if ACCOUNT_LIKE.search(reference):
        problems["reference"] = N_("give a payment reference, never account or card numbers")
    if problems:
        raise ValidationFailed(N_("Some fields are not valid."), fields=problems)
    ledger.take_turn(db)
    found = _award_money(db, challenge, submission_id)
    award = found.award
    if currency != award.currency:
        raise ValidationFailed(translatable("The award is paid in %(currency)s.",
                                            currency=award.currency),
                               fields={"currency": translatable("must be %(currency)s",
                                                                currency=award.currency)})
    payable = found.payout.payable_minor
    if amount_minor > payable:
        raise ValidationFailed(
            translatable("At most %(payable)s is payable on this award now.",
                         payable=format_money(payable, award.currency)),
            fields={"amount_minor": translatable("at most %(payable)s",
                                                 payable=format_money(payable, award.currency))})
    entry, = ledger.append(db, ledger.Event(
        kind=LedgerKind.PAYMENT_RECORDED, challenge_id=challenge.id,
        submission_id=submission_id, amount_minor=amount_minor, currency=currency,
        reason=f"paid by {method.value.replace('_', ' ')} on {paid_on.isoformat()}, "
               f"reference {reference}",
        actor_id=actor_id, details={"award": award.ledger_sequence, "method": method.value,
                                    "paid_on": paid_on.isoformat(), "reference": reference}))
    payment = AwardPayment(award_id=award.id, challenge_id=challenge.id,
                           submission_id=submission_id, amount_minor=amount_minor,
                           currency=currency, paid_on=paid_on, method=method,
                           reference=reference, recorded_by_id=actor_id,
                           ledger_sequence=entry.sequence)
    db.add(payment)
    db.flush()
    return payment


def persistence_targets(challenge: Challenge) -> list[outcomes.Target]:
    """What the holdback's persistence check measures again: the targets that decided the award
    (the required ones; all of them when none is marked required)."""
    targets = [outcomes.Target(t.key, t.direction, t.threshold, t.required)
               for t in challenge.targets]
    return [t for t in targets if t.required] or targets


def check_holdback(db: Session, *, challenge: Challenge, submission_id: int,
                   measured: Mapping[str, Decimal], evidence: str, actor_id: int | None,
                   today: dt.date) -> HoldbackCheck:
    """A verifier's attestation that the outcome persisted: every persistence target met
    releases the holdback (it becomes payable); one missed forfeits it, with the reason."""
    if challenge.state not in PAYABLE_STATES:
        raise Conflict(N_("Holdbacks are checked once the awards are final."),
                       code="awards_not_final", fields={"state": challenge.state.value})
    targets = persistence_targets(challenge)
    unknown = sorted(set(measured) - {t.key for t in targets})
    missing = [t.key for t in targets if t.key not in measured]
    if unknown or missing:
        raise ValidationFailed(N_("Give a measured value for every persistence target."), fields={
            **{f"measured.{k}": N_("not a persistence target of this challenge")
               for k in unknown},
            **{f"measured.{k}": N_("a measured value is required") for k in missing}})
    ledger.take_turn(db)
    found = _award_money(db, challenge, submission_id)
    award = found.award
    if award.held_back_minor == 0:
        raise Conflict(N_("This award has no holdback."), code="no_holdback")
    if found.check is not None:
        raise Conflict(N_("This holdback was checked already."), code="holdback_checked")
    due_on = found.payout.holdback_due_on
    if due_on is None or today < due_on:
        raise Conflict(translatable("The holdback is due on %(date)s.",
                                    date=due_on.isoformat() if due_on else "?"),
                       code="too_early")
    result = outcomes.entry_outcome(targets, measured)
    names = {t.key: t for t in challenge.targets}
    if result.status == outcomes.OutcomeStatus.VERIFIED:
        outcome, kind = HoldbackOutcome.RELEASED, LedgerKind.HOLDBACK_RELEASED
        reason = translatable("the outcome persisted: every target still met")
    else:
        key = result.missed[0]
        target = names[key]
        outcome, kind = HoldbackOutcome.FORFEITED, LedgerKind.HOLDBACK_FORFEITED
        reason = translatable(
            "%(metric)s %(value)s %(unit)s, needed %(sign)s %(threshold)s %(unit)s",
            metric=target.metric, value=measured[key], unit=target.unit,
            sign="≥" if target.direction.value == "at_least" else "≤",
            threshold=target.threshold)
    values = {k: str(v) for k, v in sorted(measured.items())}
    entry, = ledger.append(db, ledger.Event(
        kind=kind, challenge_id=challenge.id, submission_id=submission_id,
        amount_minor=award.held_back_minor, currency=award.currency, reason=str(reason),
        actor_id=actor_id, details={"award": award.ledger_sequence, "measured": values}))
    check = HoldbackCheck(award_id=award.id, challenge_id=challenge.id,
                          submission_id=submission_id, outcome=outcome,
                          amount_minor=award.held_back_minor, measured=values,
                          evidence=evidence, reason=str(reason), verifier_id=actor_id,
                          ledger_sequence=entry.sequence)
    db.add(check)
    with taken_meanwhile(N_("This holdback was checked already."), code="holdback_checked"):
        db.flush()
    return check


def totals(db: Session, *, challenge: Challenge) -> tuple[int, int]:
    """(paid, held) over the challenge's awards in force, in minor units."""
    found = money(db, challenge=challenge)
    return (sum(m.payout.paid_minor for m in found.values()),
            sum(m.payout.held_minor for m in found.values()))


def paid_total(db: Session, *, challenge_id: int) -> int:
    return db.scalar(select(func.coalesce(func.sum(AwardPayment.amount_minor), 0))
                     .where(AwardPayment.challenge_id == challenge_id)) or 0


@dataclass(frozen=True)
class ToDo:
    challenge: Challenge
    money: AwardMoney


def to_do(db: Session, *, user_id: int, sponsor: bool, verifier: bool, admin: bool,
          today: dt.date) -> list[ToDo]:
    """Awards waiting for someone: payable ones and due holdbacks for the challenge's sponsor
    (every challenge's, for an admin); holdbacks due for verifiers (never on a challenge they
    own)."""
    query = select(Challenge).where(Challenge.state.in_(PAYABLE_STATES)).order_by(Challenge.id)
    found = []
    for challenge in db.scalars(query):
        pays = admin or (sponsor and challenge.owner_id == user_id)
        checks = verifier and challenge.owner_id != user_id
        if not (pays or checks):
            continue
        for held in money(db, challenge=challenge).values():
            state = held.payout.state(today)
            # The sponsor sees a due holdback too: its payment follows the check.
            if (pays and state in (MoneyState.PAYABLE, MoneyState.HOLDBACK_DUE)) or (
                    checks and state == MoneyState.HOLDBACK_DUE):
                found.append(ToDo(challenge, held))
    return found
