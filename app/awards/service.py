"""Awards: computed when a challenge's awards are proposed, shown to its manager (all) and to each
entrant (their own), final when an admin finalises the challenge.

The amounts come from `allocation.allocate` (pure) applied to the frozen prize rules and to the
outcomes verification attested for the entries judging shortlisted. Field-level access (ASVS
8.2.3): nobody sees an amount before awards are proposed, and an entrant sees only their own.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.awards import allocation
from app.awards.models import Award
from app.awards.schemas import AwardsRead, EntryAwardRead
from app.challenges import lifecycle
from app.challenges import service as challenges_service
from app.challenges.access import is_manager
from app.challenges.enums import ChallengeState
from app.challenges.models import Challenge, ChallengeRegistration
from app.challenges.schemas import PrizeRules
from app.challenges.states import appeals_close_at
from app.config import get_settings
from app.errors import Conflict, NotFound
from app.i18n.translate import N_, Translatable, translatable
from app.kit.money import format_money
from app.notifications import service as notifications
from app.submissions import access as submissions_access
from app.submissions.models import Submission
from app.verification import service as verification
from app.verification.access import Seat
from app.verification.outcomes import OutcomeStatus
from app.verification.schemas import EntryOutcomeRead

S = ChallengeState
AWARD_STATES = frozenset({S.AWARDS_PROPOSED, S.FINAL, S.ARCHIVED})


def awards_url(challenge: Challenge) -> str:
    return f"/challenges/{challenge.id}/awards"


def shortlist(db: Session, challenge: Challenge) -> list[EntryOutcomeRead]:
    """The entries judging made eligible, with their verified outcomes, in judging's order."""
    return verification.overview(db, seat=Seat(challenge, manager=True, verifier=False)).entries


def _outcome(entry: EntryOutcomeRead) -> allocation.Outcome:
    attested = [t for t in entry.targets if t.measured_value is not None]
    return allocation.Outcome(
        entry=entry.submission_id, rank=entry.judging_rank,
        verified=entry.status == OutcomeStatus.VERIFIED,
        measured={t.key: t.measured_value for t in attested if t.measured_value is not None},
        met={t.key: bool(t.met) for t in attested})


def plan_for(db: Session, challenge: Challenge) -> allocation.AwardPlan:
    rules = PrizeRules.model_validate(challenge.prize_rules)
    targets = {t.key: allocation.Target(t.key, t.direction, t.baseline)
               for t in challenge.targets}
    return allocation.allocate(rules, [_outcome(e) for e in shortlist(db, challenge)], targets)


def compute(db: Session, *, challenge: Challenge) -> list[Award]:
    """Store the awards of a challenge whose awards are being proposed, and tell its entrants."""
    if db.scalar(select(Award.id).where(Award.challenge_id == challenge.id).limit(1)):
        raise Conflict(N_("The awards of this challenge were computed already."),
                       code="awards_exist")
    plan = _store(db, challenge)
    _tell_entrants(db, challenge, {a.entry: a for a in plan.allocations})
    return list(db.scalars(select(Award).where(Award.challenge_id == challenge.id)))


def recompute(db: Session, *, challenge: Challenge) -> dict[int, tuple[int, int]]:
    """Replace the proposed awards by those the outcomes now give (after an upheld appeal);
    returns submission id -> (old amount, new amount) for each entry whose award changed."""
    if challenge.state != S.AWARDS_PROPOSED:
        raise Conflict(N_("Awards are recomputed only while they are proposed."),
                       code="awards_not_proposed", fields={"state": challenge.state.value})
    before = dict(db.execute(select(Award.submission_id, Award.amount_minor)
                             .where(Award.challenge_id == challenge.id)).all())
    db.execute(delete(Award).where(Award.challenge_id == challenge.id))
    plan = _store(db, challenge)
    after = {a.entry: a.amount_minor for a in plan.allocations}
    return {entry: (before.get(entry, 0), after.get(entry, 0))
            for entry in sorted(set(before) | set(after))
            if before.get(entry, 0) != after.get(entry, 0)}


def _store(db: Session, challenge: Challenge) -> allocation.AwardPlan:
    plan = plan_for(db, challenge)
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


def _tell_entrants(db: Session, challenge: Challenge,
                   paid: dict[int, allocation.Allocation]) -> None:
    closes = appeals_close_at(challenge.awards_proposed_at, challenge.appeals_window_days)
    url = f"{get_settings().base_url}{awards_url(challenge)}"
    currency = (challenge.prize_rules or {}).get("purse", {}).get("currency", "")
    for entry in shortlist(db, challenge):
        submission = db.get(Submission, entry.submission_id)
        registration = db.get(ChallengeRegistration, submission.registration_id) \
            if submission else None
        if registration is None:
            continue
        award = paid.get(entry.submission_id)
        # The reason is translated where the catalog knows it, as the awards page's `|tr` does.
        said = translatable("Your entry \"%(entry)s\" is proposed an award of %(amount)s "
                            "(%(reason)s).", entry=entry.title,
                            amount=format_money(award.amount_minor, currency),
                            reason=Translatable(award.reason)) if award else \
            translatable("Your entry \"%(entry)s\" is proposed no award.", entry=entry.title)
        body = translatable("%(said)s If you think the rules were applied wrongly, you may "
                            "appeal until %(closes)s UTC.\n\n%(url)s", said=said,
                            closes=closes.strftime("%Y-%m-%d %H:%M"), url=url) if closes else \
            translatable("%(said)s If you think the rules were applied wrongly, you may "
                         "appeal.\n\n%(url)s", said=said, url=url)
        notifications.queue_many(
            db, recipient_ids=sorted(submissions_access.entrant_ids(
                db, registration=registration)),
            subject=translatable("Awards proposed: %(challenge)s", challenge=challenge.title),
            body=body, kind="awards.proposed")


def _compute_on_proposal(db: Session, challenge: Challenge, action: str, actor: User) -> None:
    if action == "propose-awards":
        compute(db, challenge=challenge)


if _compute_on_proposal not in lifecycle.AFTER_ACTION:
    lifecycle.AFTER_ACTION.append(_compute_on_proposal)


def view(db: Session, *, challenge_id: int, user: User) -> AwardsRead:
    """The manager sees every shortlisted entry and the totals; an entrant sees their own entry
    only; anyone else, and everyone before awards are proposed, is told there is nothing (404)
    or that it is too early (409, for those who may see it later)."""
    challenge = challenges_service.get(db, challenge_id=challenge_id, viewer=user)
    manager = is_manager(challenge, user)
    mine = submissions_access.registration_for(db, challenge=challenge, user=user)
    if not manager and mine is None:
        raise NotFound()
    if challenge.state not in AWARD_STATES:
        raise Conflict(N_("Awards are shown once they have been proposed."),
                       code="awards_not_proposed", fields={"state": challenge.state.value})
    rules = PrizeRules.model_validate(challenge.prize_rules)
    awards = {a.submission_id: a for a in db.scalars(
        select(Award).where(Award.challenge_id == challenge.id))}
    entries = []
    for entry in shortlist(db, challenge):
        if not manager:
            submission = db.get(Submission, entry.submission_id)
            if submission is None or mine is None or submission.registration_id != mine.id:
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


def _no_award_reason(entry: EntryOutcomeRead) -> str:
    if entry.status == OutcomeStatus.NOT_MET:
        return N_("a required target was not met")
    if entry.status == OutcomeStatus.PENDING:
        return N_("its outcomes were not all attested before verification closed")
    return N_("the prize rules leave nothing for it")
