"""The life of a challenge, one step after another. Each step checks who may take it, from
which state and at what time, moves the challenge (a compare-and-set on its state, so two
requests at once move it once), calls the lower domains in order and queues the notices.

    draft --submit--> in review --approve--> published --(opening date)--> open
      ^                   |                                                  |
      +--request changes--+                                     (submission deadline)
      +-----withdraw------+                                                  v
    closed --start judging--> judging --start verification--> verification
    verification --propose awards--> awards proposed --finalise--> final --archive--> archived
    (any state before final) --cancel--> cancelled   (admin only from verification on)

Opening and closing follow the clock: `follow_clock` records them the first time anyone
reads the challenge after the moment has passed. Along the way entrants register and submit
(`app/submissions/`), judges score (`app/judging/`), verifiers attest outcomes and entrants
appeal proposed awards (`app/workflow/participation.py`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.audit import service as audit
from app.awards import appeals
from app.awards import service as awards
from app.challenges import authoring, clock, deadlines, lifecycle
from app.challenges.enums import ChallengeState
from app.challenges.models import Challenge
from app.challenges.schemas import PrizeRules
from app.challenges.states import STEPS, Action, Step
from app.errors import Conflict
from app.i18n.translate import N_
from app.ledger import service as ledger
from app.ledger.models import LedgerKind
from app.workflow import notices
from app.workflow.standings import shortlist


@dataclass(frozen=True)
class _Move:
    step: Step
    expected: ChallengeState
    reason: str | None
    at: dt.datetime


def _begin(db: Session, challenge: Challenge, action: Action, user: User,
           reason: str | None) -> _Move:
    """Bring the challenge up to the clock, then check `user` may take `action` from here."""
    lifecycle.sync(db, challenge=challenge)
    step = STEPS[action]
    reason = lifecycle.check_step(challenge, step=step, user=user, reason=reason)
    return _Move(step, challenge.state, reason, clock.now())


def _finish(db: Session, challenge: Challenge, move: _Move, user: User) -> None:
    db.flush()
    lifecycle.move(db, challenge=challenge, step=move.step, expected=move.expected, user=user,
                   reason=move.reason, at=move.at)


# 1. The sponsor writes the call; an admin reviews it.

def submit_for_review(db: Session, *, challenge: Challenge, user: User,
                      reason: str | None = None) -> Challenge:
    """The sponsor hands a complete draft to the admins, who are told."""
    move = _begin(db, challenge, Action.SUBMIT, user, reason)
    authoring.check_complete(challenge, now=move.at)
    _finish(db, challenge, move, user)
    notices.waiting_for_review(db, challenge, actor=user)
    return challenge


def withdraw_from_review(db: Session, *, challenge: Challenge, user: User,
                         reason: str | None = None) -> Challenge:
    """The sponsor takes a call back from review to edit it; nobody needs telling."""
    move = _begin(db, challenge, Action.WITHDRAW, user, reason)
    _finish(db, challenge, move, user)
    return challenge


def request_changes(db: Session, *, challenge: Challenge, user: User,
                    reason: str | None = None) -> Challenge:
    """An admin sends the call back to its sponsor with what to change."""
    move = _begin(db, challenge, Action.REQUEST_CHANGES, user, reason)
    challenge.review_note = move.reason
    _finish(db, challenge, move, user)
    notices.changes_requested(db, challenge, reason=move.reason)
    return challenge


def approve(db: Session, *, challenge: Challenge, user: User,
            reason: str | None = None) -> Challenge:
    """Publish the call: its rules are frozen into the outcome contract entrants enter under."""
    move = _begin(db, challenge, Action.APPROVE, user, reason)
    authoring.check_complete(challenge, now=move.at)
    challenge.published_at = move.at
    challenge.review_note = None
    lifecycle.freeze_contract(challenge)
    _finish(db, challenge, move, user)
    notices.approved(db, challenge, actor=user)
    lifecycle.sync(db, challenge=challenge)  # an opening date already past opens it at once
    return challenge


# 2. The clock opens and closes submissions; the sponsor then moves it on.

def follow_clock(db: Session, *, challenge: Challenge) -> ChallengeState:
    """Record the opening and closing the clock implies (done whenever a challenge is read,
    `challenges.service.get`); returns the state."""
    return lifecycle.sync(db, challenge=challenge)


def start_judging(db: Session, *, challenge: Challenge, user: User,
                  reason: str | None = None) -> Challenge:
    """After the submission deadline: the panel is told its entries are ready, under codes."""
    move = _begin(db, challenge, Action.START_JUDGING, user, reason)
    _finish(db, challenge, move, user)
    notices.judging_started(db, challenge)
    return challenge


def start_verification(db: Session, *, challenge: Challenge, user: User,
                       reason: str | None = None) -> Challenge:
    """Judging is over: its eligible entries go to the verifiers."""
    move = _begin(db, challenge, Action.START_VERIFICATION, user, reason)
    _finish(db, challenge, move, user)
    notices.verification_started(db, challenge, shortlisted=len(shortlist(db, challenge)))
    return challenge


def propose_awards(db: Session, *, challenge: Challenge, user: User,
                   reason: str | None = None) -> Challenge:
    """Once verification has closed: the awards are computed from the frozen prize rules and
    the verified outcomes, and the appeals window opens."""
    move = _begin(db, challenge, Action.PROPOSE_AWARDS, user, reason)
    if not deadlines.awards_may_be_proposed(challenge, move.at):
        raise Conflict(N_("Awards can be proposed once verification has closed."), code="too_early",
                       fields={"timeline.verification_closes_at": N_("not reached yet")})
    challenge.awards_proposed_at = move.at
    _finish(db, challenge, move, user)
    entries = list(shortlist(db, challenge).values())
    plan = awards.compute(db, challenge=challenge, shortlist=entries, actor_id=user.id)
    audit.record(db, event="awards.computed", actor_id=user.id, challenge_id=challenge.id,
                 total_minor=plan.total_minor, currency=plan.currency, entries=len(entries))
    notices.awards_proposed(db, challenge, entries, plan)
    return challenge


def finalise(db: Session, *, challenge: Challenge, user: User,
             reason: str | None = None) -> Challenge:
    """After the appeals window, with every appeal decided, the awards are final."""
    move = _begin(db, challenge, Action.FINALISE, user, reason)
    if not deadlines.may_finalise(challenge, move.at):
        raise Conflict(N_("The appeals window is still open."), code="too_early",
                       fields={"timeline.appeals_window_days": N_("appeals still open")})
    if appeals.any_open(db, challenge=challenge):
        raise Conflict(N_("An appeal is still open; decide it before finalising."),
                       code="appeals_open")
    _finish(db, challenge, move, user)
    # Asked again now that the move holds the challenge's row: an appeal filed at the very
    # moment the window closed is seen, and the whole step is refused.
    if appeals.any_open(db, challenge=challenge):
        raise Conflict(N_("An appeal is still open; decide it before finalising."),
                       code="appeals_open")
    in_force = awards.current(db, challenge_id=challenge.id).values()
    currency = PrizeRules.model_validate(challenge.prize_rules).purse.currency
    ledger.append(db, ledger.Event(
        kind=LedgerKind.AWARDS_FINAL, challenge_id=challenge.id,
        amount_minor=sum(a.amount_minor for a in in_force), currency=currency,
        reason=move.reason or "the awards are final", actor_id=user.id,
        details={"awards": sorted(a.ledger_sequence for a in in_force)}))
    return challenge


def cancel(db: Session, *, challenge: Challenge, user: User,
           reason: str | None = None) -> Challenge:
    """Any time before the awards are final, with a reason its entrants are told."""
    move = _begin(db, challenge, Action.CANCEL, user, reason)
    challenge.cancel_reason = move.reason
    _finish(db, challenge, move, user)
    purse = PrizeRules.model_validate(challenge.prize_rules).purse \
        if challenge.prize_rules else None
    ledger.append(db, ledger.Event(
        kind=LedgerKind.CHALLENGE_CANCELLED, challenge_id=challenge.id,
        amount_minor=purse.amount_minor if purse else None,
        currency=purse.currency if purse else None, reason=move.reason or "cancelled",
        actor_id=user.id, details={"from_state": move.expected.value}))
    notices.cancelled(db, challenge, reason=move.reason, actor=user)
    return challenge


def archive(db: Session, *, challenge: Challenge, user: User,
            reason: str | None = None) -> Challenge:
    """A final challenge leaves the lists; its results and awards stay public."""
    move = _begin(db, challenge, Action.ARCHIVE, user, reason)
    _finish(db, challenge, move, user)
    return challenge


StepFunction = Callable[..., Challenge]
BY_ACTION: dict[Action, StepFunction] = {
    Action.SUBMIT: submit_for_review,
    Action.WITHDRAW: withdraw_from_review,
    Action.APPROVE: approve,
    Action.REQUEST_CHANGES: request_changes,
    Action.START_JUDGING: start_judging,
    Action.START_VERIFICATION: start_verification,
    Action.PROPOSE_AWARDS: propose_awards,
    Action.FINALISE: finalise,
    Action.ARCHIVE: archive,
    Action.CANCEL: cancel,
}


def perform(db: Session, *, challenge: Challenge, action: Action, user: User,
            reason: str | None = None) -> Challenge:
    """Take `action` as a page or the API asks for it by name."""
    return BY_ACTION[action](db, challenge=challenge, user=user, reason=reason)
