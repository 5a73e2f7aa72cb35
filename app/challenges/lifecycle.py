"""Moving a challenge from one state to the next: who may, from which state, every step
recorded (what else each step does is told in `app/workflow/`).

Opening and closing follow the server clock at read time: `sync` persists what the clock
implies (published -> open -> closed) the first time anyone looks, with the boundary as the
transition time and no actor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from app.accounts.models import User
from app.audit import service as audit
from app.challenges import clock
from app.challenges.access import is_admin, is_manager, require_manager
from app.challenges.deadlines import effective_state
from app.challenges.enums import STATE_LABELS, ChallengeState
from app.challenges.models import Challenge, ChallengeTransition
from app.challenges.prize_text import rounding_rules
from app.challenges.rules import CONTRACT_VERSION, canonical_json, sha256_hex
from app.challenges.schemas import PrizeRules
from app.challenges.states import Action, Actor, Step
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.i18n.translate import N_, translatable

# Every move of a challenge's state is an audit event too (the admins' one record of who did
# what, across challenges, panels, appeals and awards); its details name the challenge.
TRANSITION_EVENT = "challenge.transition"


def _reload_state(db: Session, challenge: Challenge) -> None:
    """After a compare-and-set matched no row: the state another request left, or 404 when it
    deleted the challenge (a draft) meanwhile."""
    state = db.scalar(select(Challenge.state).where(Challenge.id == challenge.id))
    if state is None:
        raise NotFound()
    set_committed_value(challenge, "state", state)


def _move(db: Session, challenge: Challenge, *, expected: ChallengeState, to: ChallengeState,
          action: Action,
          actor_id: int | None, reason: str | None, at: dt.datetime) -> bool:
    """Change the state only if it is still `expected` (safe against two requests at once)."""
    result = db.execute(update(Challenge).where(Challenge.id == challenge.id,
                                                Challenge.state == expected)
                        .values(state=to).execution_options(synchronize_session=False))
    if getattr(result, "rowcount", 0) != 1:
        _reload_state(db, challenge)
        return False
    set_committed_value(challenge, "state", to)
    db.add(ChallengeTransition(challenge_id=challenge.id, action=action, from_state=expected,
                               to_state=to, actor_id=actor_id, reason=reason, at=at))
    audit.record(db, event=TRANSITION_EVENT, actor_id=actor_id, challenge_id=challenge.id,
                 action=action.value, from_state=expected.value, to_state=to.value,
                 reason=reason, at=at.isoformat())
    return True


def hold(db: Session, *, challenge: Challenge, states: Collection[ChallengeState]) -> None:
    """A compare-and-set on the challenge's state: refused (409) unless it is still one of
    `states`, and otherwise its row is held to the end of the transaction (PostgreSQL: the row
    lock; SQLite: the database's write lock), so that what the caller checks next is not
    changed meanwhile by a step, a panel change or a registration that holds it too."""
    result = db.execute(update(Challenge).where(Challenge.id == challenge.id,
                                                Challenge.state.in_(list(states)))
                        .values(state=Challenge.state, updated_at=Challenge.updated_at)
                        .execution_options(synchronize_session=False))
    if getattr(result, "rowcount", 0) != 1:
        _reload_state(db, challenge)
        raise Conflict(N_("The challenge changed meanwhile; reload and try again."),
                       code="concurrent_change", fields={"state": challenge.state.value})


def sync(db: Session, *, challenge: Challenge) -> ChallengeState:
    """Persist the opening and closing the clock implies; returns the current state."""
    now = clock.now()
    target = effective_state(challenge.state, opens_at=challenge.opens_at,
                             submissions_close_at=challenge.submissions_close_at, now=now)
    if target == challenge.state:
        return target
    if challenge.state == ChallengeState.PUBLISHED and challenge.opens_at is not None:
        _move(db, challenge, expected=ChallengeState.PUBLISHED, to=ChallengeState.OPEN,
              action=Action.OPEN, actor_id=None,
              reason="opening date reached", at=max(challenge.opens_at,
                                                    challenge.published_at or challenge.opens_at))
    if target == ChallengeState.CLOSED and challenge.state == ChallengeState.OPEN:
        assert challenge.submissions_close_at is not None
        _move(db, challenge, expected=ChallengeState.OPEN, to=ChallengeState.CLOSED,
              action=Action.CLOSE, actor_id=None,
              reason="submission deadline reached", at=challenge.submissions_close_at)
    return challenge.state


def contract_document(challenge: Challenge) -> dict[str, Any]:
    """The frozen rules solvers enter under: timeline, targets, rubric, eligibility, IP, prizes."""
    rules = PrizeRules.model_validate(challenge.prize_rules) if challenge.prize_rules else None
    return {
        "contract": CONTRACT_VERSION,
        "challenge": {"id": challenge.id, "title": challenge.title,
                      "sponsor_organisation": challenge.sponsor_organisation},
        "timeline": {"opens_at": challenge.opens_at,
                     "submissions_close_at": challenge.submissions_close_at,
                     "judging_ends_at": challenge.judging_ends_at,
                     "verification_closes_at": challenge.verification_closes_at,
                     "appeals_window_days": challenge.appeals_window_days},
        "targets": [{"key": t.key, "metric": t.metric, "unit": t.unit,
                     "direction": t.direction, "threshold": t.threshold,
                     "baseline": t.baseline, "verification_method": t.verification_method,
                     "required": t.required} for t in challenge.targets],
        "rubric": {"criteria": [{"name": c.name, "description": c.description,
                                 "weight": c.weight, "min_score": c.min_score}
                                for c in challenge.criteria],
                   "min_overall_score": challenge.min_overall_score},
        "eligibility": {"scope": sorted(challenge.scope_codes),
                        "judged_on": challenge.opens_on,
                        "solver_kinds": sorted(challenge.solver_kinds),
                        "team_min": challenge.team_min, "team_max": challenge.team_max,
                        "exclude_sponsor_employees": challenge.exclude_sponsor_employees},
        "ip_terms": {"kind": challenge.ip_terms, "licence": challenge.ip_licence},
        "prize_rules": rules.model_dump(mode="python") if rules else None,
        # How amounts round and who gets leftover minor units, in words, frozen with the rules.
        "rounding": [str(sentence) for sentence in rounding_rules(rules)] if rules else None,
    }


def freeze_contract(challenge: Challenge) -> None:
    data = canonical_json(contract_document(challenge))
    challenge.contract_json = data.decode("utf-8")
    challenge.contract_sha256 = sha256_hex(data)


def check_step(challenge: Challenge, *, step: Step, user: User,
               reason: str | None) -> str | None:
    """Refuse `step` unless `user` may take it from the challenge's state; returns the reason,
    stripped (None when empty)."""
    who = step.actor_in(challenge.state)
    if who == Actor.ADMIN and not is_admin(user):
        if step.who != Actor.ADMIN and is_manager(challenge, user):
            # The sponsor's step, but not from this state (e.g. cancelling from verification on).
            raise Forbidden(step.admin_from_refusal or N_("Only an admin may do this now."),
                            code="missing_role")
        raise Forbidden(translatable("Only an admin may %(action)s.",
                                     action=step.label.lower()), code="missing_role")
    if who == Actor.OWNER:
        require_manager(challenge, user, refusal=N_(
            "Only the sponsor who owns this challenge (or an admin) may do this."))
    if challenge.state not in step.sources:
        raise Conflict(translatable("A challenge that is %(state)s cannot be moved with "
                                    "'%(action)s'.", state=STATE_LABELS[challenge.state].lower(),
                                    action=step.label), code="invalid_transition",
                       fields={"state": challenge.state.value})
    reason = (reason or "").strip() or None
    if step.needs_reason and not reason:
        raise ValidationFailed(N_("Give a reason."), fields={"reason": N_("a reason is required")})
    return reason


def move(db: Session, *, challenge: Challenge, step: Step, expected: ChallengeState,
         user: User, reason: str | None, at: dt.datetime) -> None:
    """Record the step; refused if another request moved the challenge since it was read."""
    if not _move(db, challenge, expected=expected, to=step.target, action=step.action,
                 actor_id=user.id, reason=reason, at=at):
        raise Conflict(N_("The challenge changed meanwhile; reload and try again."),
                       code="concurrent_change")


def transitions(db: Session, *, challenge: Challenge) -> list[ChallengeTransition]:
    """The recorded lifecycle, oldest first."""
    return list(db.scalars(select(ChallengeTransition)
                           .where(ChallengeTransition.challenge_id == challenge.id)
                           .order_by(ChallengeTransition.at, ChallengeTransition.id)))
