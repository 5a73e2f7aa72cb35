"""Challenge records as API responses (the same views feed the pages)."""

from __future__ import annotations

import datetime as dt

from app.challenges.deadlines import effective_state, next_deadline, timeline_of
from app.challenges.enums import SolverKind
from app.challenges.models import Challenge
from app.challenges.rules import normalised_weights
from app.challenges.schemas import (
    ChallengeRead,
    ChallengeSummary,
    CriterionRead,
    DeadlineRead,
    EligibilityRead,
    IpTermsRead,
    MechanismLinkRead,
    PrizeRules,
    RubricRead,
    TargetRead,
    TimelineRead,
)
from app.challenges.states import countdown
from app.kit.money import Money


def deadline(challenge: Challenge, now: dt.datetime) -> DeadlineRead | None:
    state = effective_state(challenge.state, opens_at=challenge.opens_at,
                            submissions_close_at=challenge.submissions_close_at, now=now)
    found = next_deadline(state, timeline_of(challenge),
                          awards_proposed_at=challenge.awards_proposed_at, now=now)
    if found is None:
        return None
    label, at = found
    return DeadlineRead(label=label, at=at, countdown=f"{label} in {countdown(now, at)}")


def purse(challenge: Challenge) -> Money | None:
    if challenge.purse_amount_minor is None or challenge.purse_currency is None:
        return None
    return Money(amount_minor=challenge.purse_amount_minor, currency=challenge.purse_currency)


def summary(challenge: Challenge, now: dt.datetime) -> ChallengeSummary:
    return ChallengeSummary(
        id=challenge.id, title=challenge.title, summary=challenge.summary,
        state=effective_state(challenge.state, opens_at=challenge.opens_at,
                              submissions_close_at=challenge.submissions_close_at, now=now),
        sponsor_organisation=challenge.sponsor_organisation, purse=purse(challenge),
        opens_at=challenge.opens_at, submissions_close_at=challenge.submissions_close_at,
        next_deadline=deadline(challenge, now), published_at=challenge.published_at,
        url=f"/challenges/{challenge.id}")


def criteria(challenge: Challenge) -> list[CriterionRead]:
    weights = normalised_weights([c.weight for c in challenge.criteria]) \
        if challenge.criteria else []
    return [CriterionRead(name=c.name, description=c.description, weight=c.weight,
                          normalised_weight=w, min_score=c.min_score)
            for c, w in zip(challenge.criteria, weights, strict=True)]


def detail(challenge: Challenge, now: dt.datetime) -> ChallengeRead:
    base = summary(challenge, now).model_dump()
    return ChallengeRead(
        **base, description=challenge.description, contact=challenge.contact,
        owner_id=challenge.owner_id,
        cover_url=f"/challenges/{challenge.id}/cover" if challenge.cover_image else None,
        stage=challenge.stage.value if challenge.stage else None,
        sectors=[s.sector.value for s in challenge.sectors],
        sdg_targets=sorted(t.target_code for t in challenge.sdg_targets),
        need_ids=sorted(n.need_id for n in challenge.needs),
        mechanisms=[MechanismLinkRead.model_validate(m) for m in challenge.mechanisms],
        timeline=TimelineRead(**timeline_of(challenge).__dict__),
        eligibility=EligibilityRead(
            scope=challenge.scope_codes,
            solver_kinds=[SolverKind(k) for k in challenge.solver_kinds],
            team_min=challenge.team_min, team_max=challenge.team_max,
            exclude_sponsor_employees=challenge.exclude_sponsor_employees,
            judged_on=challenge.opens_on),
        targets=[TargetRead.model_validate(t) for t in challenge.targets],
        rubric=RubricRead(criteria=criteria(challenge),
                          min_overall_score=challenge.min_overall_score),
        ip_terms=IpTermsRead(kind=challenge.ip_terms, licence=challenge.ip_licence)
        if challenge.ip_terms else None,
        prize_rules=PrizeRules.model_validate(challenge.prize_rules)
        if challenge.prize_rules else None,
        contract_sha256=challenge.contract_sha256,
        contract_url=f"/challenges/{challenge.id}/contract.json"
        if challenge.contract_sha256 else None,
        review_note=challenge.review_note, cancel_reason=challenge.cancel_reason,
        created_at=challenge.created_at, updated_at=challenge.updated_at)
