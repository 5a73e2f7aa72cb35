"""Awards: computed when a challenge's awards are proposed, shown to its manager (all) and to each
entrant (their own), final when an admin finalises the challenge.

The amounts come from `allocation.allocate` (pure) applied to the frozen prize rules and to the
outcomes verification attested for the entries judging shortlisted (the workflow hands them
over). Field-level access (ASVS
8.2.3): nobody sees an amount before awards are proposed, and an entrant sees only their own.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.awards import allocation
from app.awards.models import Award
from app.awards.plan import plan_for
from app.awards.schemas import AwardsRead, EntryAwardRead
from app.challenges import service as challenges_service
from app.challenges.access import is_manager
from app.challenges.deadlines import appeals_close_at
from app.challenges.enums import ChallengeState
from app.challenges.models import Challenge, ChallengeRegistration
from app.challenges.schemas import PrizeRules
from app.errors import Conflict, NotFound
from app.i18n.translate import N_
from app.submissions import access as submissions_access
from app.verification.outcomes import OutcomeStatus, ShortlistedEntry

AWARD_STATES = frozenset({ChallengeState.AWARDS_PROPOSED, ChallengeState.FINAL,
                          ChallengeState.ARCHIVED})


def awards_url(challenge: Challenge) -> str:
    return f"/challenges/{challenge.id}/awards"


def compute(db: Session, *, challenge: Challenge,
            shortlist: Iterable[ShortlistedEntry]) -> allocation.AwardPlan:
    """Store the awards of a challenge whose awards are being proposed."""
    if db.scalar(select(Award.id).where(Award.challenge_id == challenge.id).limit(1)):
        raise Conflict(N_("The awards of this challenge were computed already."),
                       code="awards_exist")
    return _store(db, challenge, shortlist)


def recompute(db: Session, *, challenge: Challenge,
              shortlist: Iterable[ShortlistedEntry]) -> dict[int, tuple[int, int]]:
    """Replace the proposed awards by those the outcomes now give (after an upheld appeal);
    returns submission id -> (old amount, new amount) for each entry whose award changed."""
    if challenge.state != ChallengeState.AWARDS_PROPOSED:
        raise Conflict(N_("Awards are recomputed only while they are proposed."),
                       code="awards_not_proposed", fields={"state": challenge.state.value})
    before = dict(db.execute(select(Award.submission_id, Award.amount_minor)
                             .where(Award.challenge_id == challenge.id)).all())
    db.execute(delete(Award).where(Award.challenge_id == challenge.id))
    plan = _store(db, challenge, shortlist)
    after = {a.entry: a.amount_minor for a in plan.allocations}
    return {entry: (before.get(entry, 0), after.get(entry, 0))
            for entry in sorted(set(before) | set(after))
            if before.get(entry, 0) != after.get(entry, 0)}


def _store(db: Session, challenge: Challenge,
           shortlist: Iterable[ShortlistedEntry]) -> allocation.AwardPlan:
    plan = plan_for(challenge, shortlist)
    rows = [Award(challenge_id=challenge.id, submission_id=a.entry, amount_minor=a.amount_minor,
                  held_back_minor=a.held_back_minor, currency=plan.currency, reason=a.reason)
            for a in plan.allocations]
    db.add_all(rows)
    try:
        db.flush()
    except IntegrityError as exc:  # a concurrent computation got there first
        raise Conflict(N_("The awards of this challenge were computed already."),
                       code="awards_exist") from exc
    return plan


def visible(db: Session, *, challenge_id: int, user: User
            ) -> tuple[Challenge, bool, ChallengeRegistration | None]:
    """The challenge, whether `user` manages it, and their own registration; 404 for anyone
    who neither manages it nor entered it."""
    challenge = challenges_service.get(db, challenge_id=challenge_id, viewer=user)
    manager = is_manager(challenge, user)
    mine = submissions_access.registration_for(db, challenge=challenge, user=user)
    if not manager and mine is None:
        raise NotFound()
    return challenge, manager, mine


def require_proposed(challenge: Challenge) -> None:
    if challenge.state not in AWARD_STATES:
        raise Conflict(N_("Awards are shown once they have been proposed."),
                       code="awards_not_proposed", fields={"state": challenge.state.value})


def view(db: Session, *, challenge: Challenge, manager: bool,
         mine: ChallengeRegistration | None, shortlist: Iterable[ShortlistedEntry]
         ) -> AwardsRead:
    """The manager sees every shortlisted entry and the totals; an entrant sees their own entry
    only (see `visible`); nobody sees anything before awards are proposed (409)."""
    require_proposed(challenge)
    rules = PrizeRules.model_validate(challenge.prize_rules)
    awards = {a.submission_id: a for a in db.scalars(
        select(Award).where(Award.challenge_id == challenge.id))}
    entries = []
    for entry in shortlist:
        if not manager and (mine is None or entry.registration_id != mine.id):
            continue
        award = awards.get(entry.submission_id)
        entries.append(EntryAwardRead(
            submission_id=entry.submission_id, title=entry.title, entrant=entry.entrant,
            judging_rank=entry.judging_rank, outcome=entry.status,
            amount_minor=award.amount_minor if award else 0,
            held_back_minor=award.held_back_minor if award else 0,
            paid_now_minor=(award.amount_minor - award.held_back_minor) if award else 0,
            currency=rules.purse.currency,
            reason=award.reason if award else _no_award_reason(entry)))
    total = sum(a.amount_minor for a in awards.values())
    return AwardsRead(
        challenge_id=challenge.id, title=challenge.title, state=challenge.state,
        currency=rules.purse.currency,
        purse_minor=rules.purse.amount_minor if manager else None,
        total_minor=total if manager else None,
        unallocated_minor=rules.purse.amount_minor - total if manager else None,
        holdback_delay_days=rules.holdback.delay_days if rules.holdback else None,
        awards_proposed_at=challenge.awards_proposed_at,
        appeals_close_at=appeals_close_at(challenge.awards_proposed_at,
                                          challenge.appeals_window_days),
        entries=entries)


def _no_award_reason(entry: ShortlistedEntry) -> str:
    if entry.status == OutcomeStatus.NOT_MET:
        return N_("a required target was not met")
    if entry.status == OutcomeStatus.PENDING:
        return N_("its outcomes were not all attested before verification closed")
    return N_("the prize rules leave nothing for it")
