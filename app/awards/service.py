"""Awards: computed when a challenge's awards are proposed, shown to its manager (all) and to each
entrant (their own), final when an admin finalises the challenge.

The amounts come from `allocation.allocate` (pure) applied to the frozen prize rules and to the
outcomes verification attested for the entries judging shortlisted (the workflow hands them
over). Field-level access (ASVS
8.2.3): nobody sees an amount before awards are proposed, and an entrant sees only their own.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.awards import allocation, reasons
from app.awards.models import Award
from app.awards.plan import plan_for
from app.challenges import service as challenges_service
from app.challenges.access import is_manager
from app.challenges.enums import ChallengeState
from app.challenges.models import Challenge, ChallengeRegistration
from app.errors import Conflict, NotFound
from app.i18n.translate import N_
from app.kit.conflicts import taken_meanwhile
from app.ledger import service as ledger
from app.ledger.models import LedgerKind
from app.submissions import access as submissions_access
from app.verification.outcomes import ShortlistedEntry

ALREADY_COMPUTED = N_("The awards of this challenge were computed already.")
AWARD_STATES = frozenset({ChallengeState.AWARDS_PROPOSED, ChallengeState.FINAL,
                          ChallengeState.ARCHIVED})


def awards_url(challenge: Challenge) -> str:
    return f"/challenges/{challenge.id}/awards"


def current(db: Session, *, challenge_id: int) -> dict[int, Award]:
    """Submission id -> the award in force: the latest computation's (zero awards included)."""
    latest = db.scalar(select(func.max(Award.computation)).where(
        Award.challenge_id == challenge_id))
    if latest is None:
        return {}
    return {a.submission_id: a for a in db.scalars(
        select(Award).where(Award.challenge_id == challenge_id, Award.computation == latest)
        .order_by(Award.id))}


def compute(db: Session, *, challenge: Challenge, shortlist: Iterable[ShortlistedEntry],
            actor_id: int | None = None) -> allocation.AwardPlan:
    """Store the awards of a challenge whose awards are being proposed, each with its ledger
    entry."""
    if db.scalar(select(Award.id).where(Award.challenge_id == challenge.id).limit(1)):
        raise Conflict(ALREADY_COMPUTED, code="awards_exist")
    plan, _ = _store(db, challenge, list(shortlist), computation=1, actor_id=actor_id)
    return plan


def recompute(db: Session, *, challenge: Challenge, shortlist: Iterable[ShortlistedEntry],
              actor_id: int | None = None) -> dict[int, tuple[int, int]]:
    """Add a new computation from the outcomes as they now are (after an upheld appeal); the
    awards it supersedes stay, in the table and in the ledger. Returns submission id ->
    (old amount, new amount) for each entry whose award changed."""
    if challenge.state != ChallengeState.AWARDS_PROPOSED:
        raise Conflict(N_("Awards are recomputed only while they are proposed."),
                       code="awards_not_proposed", fields={"state": challenge.state.value})
    before = current(db, challenge_id=challenge.id)
    computation = max((a.computation for a in before.values()), default=0) + 1
    _, after = _store(db, challenge, list(shortlist), computation=computation,
                      actor_id=actor_id, superseded=before)
    amounts = {entry: a.amount_minor for entry, a in after.items()}
    was = {entry: a.amount_minor for entry, a in before.items()}
    return {entry: (was.get(entry, 0), amounts.get(entry, 0))
            for entry in sorted(set(was) | set(amounts))
            if was.get(entry, 0) != amounts.get(entry, 0)}


def _store(db: Session, challenge: Challenge, shortlist: list[ShortlistedEntry], *,
           computation: int, actor_id: int | None,
           superseded: dict[int, Award] | None = None
           ) -> tuple[allocation.AwardPlan, dict[int, Award]]:
    plan = plan_for(challenge, shortlist)
    given = {a.entry: a for a in plan.allocations}
    codes = {e.submission_id: e.code for e in shortlist}
    kind = LedgerKind.AWARD_PROPOSED if computation == 1 else LedgerKind.AWARD_RECOMPUTED
    decided = [(e.submission_id, given.get(e.submission_id)) for e in shortlist]
    events = [ledger.Event(
        kind=kind, challenge_id=challenge.id, submission_id=entry,
        amount_minor=a.amount_minor if a else 0, currency=plan.currency,
        reason=a.reason if a else "", actor_id=actor_id,
        details={"code": codes[entry], "computation": computation,
                 "held_back_minor": a.held_back_minor if a else 0,
                 "supersedes": superseded[entry].ledger_sequence
                 if superseded and entry in superseded else None})
        for entry, a in decided]
    with taken_meanwhile(ALREADY_COMPUTED, code="awards_exist"):
        recorded = ledger.append(db, *events)
    rows = {entry: Award(
        challenge_id=challenge.id, submission_id=entry, computation=computation,
        amount_minor=a.amount_minor if a else 0, held_back_minor=a.held_back_minor if a else 0,
        currency=plan.currency, reason=a.reason if a else "",
        reasons=reasons.stored(a.reasons if a else ()), ledger_sequence=entry_row.sequence)
        for (entry, a), entry_row in zip(decided, recorded, strict=True)}
    db.add_all(rows.values())
    with taken_meanwhile(ALREADY_COMPUTED, code="awards_exist"):  # unique (entry, computation)
        db.flush()
    return plan, rows


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


def awards_shown(challenge: Challenge) -> bool:
    """Proposed, final or archived; or cancelled after they were proposed (they stay on record,
    shown as cancelled)."""
    return challenge.state in AWARD_STATES or (
        challenge.state == ChallengeState.CANCELLED and challenge.awards_proposed_at is not None)


def require_proposed(challenge: Challenge) -> None:
    if not awards_shown(challenge):
        raise Conflict(N_("Awards are shown once they have been proposed."),
                       code="awards_not_proposed", fields={"state": challenge.state.value})
