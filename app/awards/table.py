"""The awards table: every shortlisted entry's award with its reasons and where its money
stands, for the challenge's manager (all of it) or an entrant (their own entry only)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from app.awards import payments, reasons
from app.awards.schemas import AwardsRead, EntryAwardRead, PaymentRead
from app.awards.service import require_proposed
from app.challenges import clock
from app.challenges.deadlines import appeals_close_at
from app.challenges.models import Challenge, ChallengeRegistration
from app.challenges.schemas import PrizeRules
from app.i18n.translate import N_
from app.verification.outcomes import ShortlistedEntry


def view(db: Session, *, challenge: Challenge, manager: bool,
         mine: ChallengeRegistration | None, shortlist: Iterable[ShortlistedEntry]
         ) -> AwardsRead:
    """The manager sees every shortlisted entry and the totals; an entrant sees their own entry
    only (see `service.visible`); nobody sees anything before awards are proposed (409)."""
    require_proposed(challenge)
    rules = PrizeRules.model_validate(challenge.prize_rules)
    found = payments.money(db, challenge=challenge)
    today = clock.now().date()
    entries = []
    for entry in shortlist:
        if not manager and (mine is None or entry.registration_id != mine.id):
            continue
        held = found.get(entry.submission_id)
        award = held.award if held else None
        payout = held.payout if held else None
        entries.append(EntryAwardRead(
            submission_id=entry.submission_id, code=entry.code, title=entry.title,
            entrant=entry.entrant, judging_rank=entry.judging_rank, outcome=entry.status,
            amount_minor=award.amount_minor if award else 0,
            held_back_minor=award.held_back_minor if award else 0,
            paid_now_minor=award.paid_now_minor if award else 0,
            currency=rules.purse.currency,
            reason=reasons.sentence(award.reasons, award.reason) if award
            else N_("not in the computed awards"),
            reasons=reasons.shown(award.reasons) if award else [],
            money_state=payout.state(today).value if payout else "no_award",
            paid_minor=payout.paid_minor if payout else 0,
            payable_minor=payout.payable_minor if payout else 0,
            held_minor=payout.held_minor if payout else 0,
            holdback_due_on=payout.holdback_due_on if payout else None,
            holdback=held.check.outcome.value if held and held.check else None,
            holdback_reason=held.check.reason if held and held.check else None,
            payments=[PaymentRead.model_validate(p, from_attributes=True)
                      for p in held.payments] if held else [],
            ledger_sequence=award.ledger_sequence if award else None))
    total = sum(m.award.amount_minor for m in found.values())
    paid = sum(m.payout.paid_minor for m in found.values())
    held_total = sum(m.payout.held_minor for m in found.values())
    return AwardsRead(
        challenge_id=challenge.id, title=challenge.title, state=challenge.state,
        currency=rules.purse.currency,
        purse_minor=rules.purse.amount_minor if manager else None,
        total_minor=total if manager else None,
        unallocated_minor=rules.purse.amount_minor - total if manager else None,
        paid_minor=paid if manager else None, held_minor=held_total if manager else None,
        holdback_delay_days=rules.holdback.delay_days if rules.holdback else None,
        awards_proposed_at=challenge.awards_proposed_at,
        appeals_close_at=appeals_close_at(challenge.awards_proposed_at,
                                          challenge.appeals_window_days),
        entries=entries)
