"""Moving a challenge through its lifecycle: guarded by role and time, every step recorded.

Opening and closing follow the server clock at read time: `sync` persists what the clock
implies (published -> open -> closed) the first time anyone looks, with the boundary as the
transition time and no actor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from app.accounts import service as accounts_service
from app.accounts.models import Role, User
from app.challenges import clock
from app.challenges.access import is_admin, is_manager
from app.challenges.authoring import check_complete
from app.challenges.enums import STATE_LABELS, ChallengeState
from app.challenges.models import Challenge, ChallengeTransition
from app.challenges.participants import participant_ids
from app.challenges.rules import CONTRACT_VERSION, canonical_json, sha256_hex
from app.challenges.schemas import PrizeRules
from app.challenges.states import ACTIONS, appeals_close_at, effective_state
from app.config import get_settings
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.i18n.translate import N_, translatable
from app.notifications import service as notifications

S = ChallengeState


def _move(db: Session, challenge: Challenge, *, expected: S, to: S, action: str,
          actor_id: int | None, reason: str | None, at: dt.datetime) -> bool:
    """Change the state only if it is still `expected` (safe against two requests at once)."""
    result = db.execute(update(Challenge).where(Challenge.id == challenge.id,
                                                Challenge.state == expected)
                        .values(state=to).execution_options(synchronize_session=False))
    if getattr(result, "rowcount", 0) != 1:
        db.refresh(challenge)
        return False
    set_committed_value(challenge, "state", to)
    db.add(ChallengeTransition(challenge_id=challenge.id, action=action, from_state=expected,
                               to_state=to, actor_id=actor_id, reason=reason, at=at))
    db.flush()
    return True


def sync(db: Session, *, challenge: Challenge) -> ChallengeState:
    """Persist the opening and closing the clock implies; returns the current state."""
    now = clock.now()
    target = effective_state(challenge.state, opens_at=challenge.opens_at,
                             submissions_close_at=challenge.submissions_close_at, now=now)
    if target == challenge.state:
        return target
    if challenge.state == S.PUBLISHED and challenge.opens_at is not None:
        _move(db, challenge, expected=S.PUBLISHED, to=S.OPEN, action="open", actor_id=None,
              reason="opening date reached", at=max(challenge.opens_at,
                                                    challenge.published_at or challenge.opens_at))
    if target == S.CLOSED and challenge.state == S.OPEN:
        assert challenge.submissions_close_at is not None
        _move(db, challenge, expected=S.OPEN, to=S.CLOSED, action="close", actor_id=None,
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
    }


def freeze_contract(challenge: Challenge) -> None:
    data = canonical_json(contract_document(challenge))
    challenge.contract_json = data.decode("utf-8")
    challenge.contract_sha256 = sha256_hex(data)


def _url(challenge: Challenge) -> str:
    return f"{get_settings().base_url}/challenges/{challenge.id}"


# Other domains add what they do after a lifecycle step (judging tells its panel that judging
# has started); challenges knows nothing of them. Each gets (db, challenge, action, actor).
AFTER_ACTION: list[Callable[[Session, Challenge, str, User], None]] = []
# Checks other domains add before an action is taken (raise an AppError to refuse it), e.g.
# awards: no finalising while an appeal is open.
BEFORE_ACTION: list[Callable[[Session, Challenge, str, User], None]] = []


def perform(db: Session, *, challenge: Challenge, action: str, user: User,
            reason: str | None = None) -> Challenge:
    """Apply a lifecycle action (submit, approve, request-changes, cancel, ...) if allowed now."""
    spec = ACTIONS.get(action)
    if spec is None:
        raise NotFound(translatable("No lifecycle action %(action)s.", action=repr(action)))
    now = clock.now()
    sync(db, challenge=challenge)
    if spec.who == "admin" and not is_admin(user):
        raise Forbidden(translatable("Only an admin may %(action)s.",
                                     action=spec.label.lower()), code="missing_role")
    if spec.who == "owner" and not is_manager(challenge, user):
        raise Forbidden(N_("Only the sponsor who owns this challenge (or an admin) may do this."),
                        code="not_owner")
    current = challenge.state
    if current not in spec.sources:
        raise Conflict(translatable("A challenge that is %(state)s cannot be moved with "
                                    "'%(action)s'.", state=STATE_LABELS[current].lower(),
                                    action=spec.label), code="invalid_transition",
                       fields={"state": current.value})
    reason = (reason or "").strip() or None
    if spec.needs_reason and not reason:
        raise ValidationFailed(N_("Give a reason."), fields={"reason": N_("a reason is required")})

    if action in ("submit", "approve"):
        check_complete(challenge, now=now)
    if action == "propose-awards" and challenge.verification_closes_at is not None \
            and now < challenge.verification_closes_at:
        raise Conflict(N_("Awards can be proposed once verification has closed."), code="too_early",
                       fields={"timeline.verification_closes_at": N_("not reached yet")})
    if action == "finalise":
        appeals_end = appeals_close_at(challenge.awards_proposed_at,
                                       challenge.appeals_window_days)
        if appeals_end is not None and now < appeals_end:
            raise Conflict(N_("The appeals window is still open."), code="too_early",
                           fields={"timeline.appeals_window_days": N_("appeals still open")})
    for check in BEFORE_ACTION:
        check(db, challenge, action, user)

    if action == "approve":
        challenge.published_at = now
        challenge.review_note = None
        freeze_contract(challenge)
    elif action == "request-changes":
        challenge.review_note = reason
    elif action == "cancel":
        challenge.cancel_reason = reason
    elif action == "propose-awards":
        challenge.awards_proposed_at = now
    db.flush()
    if not _move(db, challenge, expected=current, to=spec.target, action=action,
                 actor_id=user.id, reason=reason, at=now):
        raise Conflict(N_("The challenge changed meanwhile; reload and try again."),
                       code="concurrent_change")
    _notify(db, challenge=challenge, action=action, actor=user, reason=reason)
    for after in AFTER_ACTION:
        after(db, challenge, action, user)
    sync(db, challenge=challenge)
    return challenge


def _notify(db: Session, *, challenge: Challenge, action: str, actor: User,
            reason: str | None) -> None:
    url = _url(challenge)
    if action == "submit":
        review_queue = f"{get_settings().base_url}/admin/challenges/review"
        notifications.queue_many(
            db, recipient_ids=[i for i in accounts_service.active_user_ids_with_role(
                db, role=Role.ADMIN) if i != actor.id],
            subject=translatable("Waiting for review: %(title)s", title=challenge.title),
            body=translatable("A sponsor submitted a challenge for review.\n\n%(url)s\n\n"
                              "The review queue: %(queue)s", url=url, queue=review_queue),
            kind="challenge.submitted")
    elif action == "approve" and challenge.owner_id != actor.id:
        notifications.queue(db, recipient_id=challenge.owner_id,
                            subject=translatable("Approved: %(title)s", title=challenge.title),
                            body=translatable("Your challenge was approved and published."
                                              "\n\n%(url)s", url=url),
                            kind="challenge.approved")
    elif action == "request-changes":
        notifications.queue(db, recipient_id=challenge.owner_id,
                            subject=translatable("Changes requested: %(title)s",
                                                 title=challenge.title),
                            body=translatable("A reviewer asked for changes:\n\n%(reason)s"
                                              "\n\n%(url)s", reason=reason, url=url),
                            kind="challenge.changes_requested")
    elif action == "cancel":
        notifications.queue_many(db, recipient_ids=participant_ids(db, challenge_id=challenge.id),
                                 subject=translatable("Cancelled: %(title)s",
                                                      title=challenge.title),
                                 body=translatable("The challenge was cancelled:\n\n%(reason)s"
                                                   "\n\n%(url)s", reason=reason, url=url),
                                 kind="challenge.cancelled")


def transitions(db: Session, *, challenge: Challenge) -> list[ChallengeTransition]:
    """The recorded lifecycle, oldest first."""
    return list(db.scalars(select(ChallengeTransition)
                           .where(ChallengeTransition.challenge_id == challenge.id)
                           .order_by(ChallengeTransition.at, ChallengeTransition.id)))
