"""The inputs of the pure allocation, built from a challenge and the entries judging shortlisted
with what verification attested for them."""

from __future__ import annotations

from collections.abc import Iterable

from app.awards import allocation
from app.challenges.models import Challenge
from app.challenges.schemas import PrizeRules
from app.verification.outcomes import OutcomeStatus, ShortlistedEntry


def outcome(entry: ShortlistedEntry) -> allocation.Outcome:
    return allocation.Outcome(entry=entry.submission_id, rank=entry.judging_rank,
                              verified=entry.status == OutcomeStatus.VERIFIED,
                              measured=entry.measured, met=entry.met,
                              status=entry.status.value)


def targets(challenge: Challenge) -> dict[str, allocation.Target]:
    return {t.key: allocation.Target(t.key, t.direction, t.baseline, metric=t.metric,
                                     unit=t.unit, threshold=t.threshold, required=t.required)
            for t in challenge.targets}


def plan_for(challenge: Challenge, shortlist: Iterable[ShortlistedEntry]) -> allocation.AwardPlan:
    """The awards the frozen prize rules give the shortlisted entries' verified outcomes, one
    for every entry (zero ones with the reason), in the shortlist's order, which must be the
    public one: judging's rank, then the entry submitted first."""
    rules = PrizeRules.model_validate(challenge.prize_rules)
    return allocation.allocate(rules, [outcome(e) for e in shortlist], targets(challenge))
