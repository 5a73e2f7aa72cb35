"""The inputs of the pure allocation, built from a challenge and the entries judging shortlisted
with what verification attested for them."""

from __future__ import annotations

from collections.abc import Iterable

from app.awards import allocation
from app.challenges.models import Challenge
from app.challenges.schemas import PrizeRules
from app.verification.outcomes import OutcomeStatus, ShortlistedEntry


def _outcome(entry: ShortlistedEntry) -> allocation.Outcome:
    return allocation.Outcome(entry=entry.submission_id, rank=entry.judging_rank,
                              verified=entry.status == OutcomeStatus.VERIFIED,
                              measured=entry.measured, met=entry.met)


def plan_for(challenge: Challenge, shortlist: Iterable[ShortlistedEntry]) -> allocation.AwardPlan:
    """The awards the frozen prize rules give the shortlisted entries' verified outcomes."""
    rules = PrizeRules.model_validate(challenge.prize_rules)
    targets = {t.key: allocation.Target(t.key, t.direction, t.baseline)
               for t in challenge.targets}
    return allocation.allocate(rules, [_outcome(e) for e in shortlist], targets)
