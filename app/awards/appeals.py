"""Appeals against proposed awards: an entrant files one per entry while the appeals window is
open; while it is open the entry's outcomes may be re-attested; an admin upholds it (the awards
are recomputed from the outcomes as they then are) or dismisses it, giving reasons either way.
No challenge is finalised while one of its appeals is open."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.accounts.models import Role, User, UserRole
from app.awards import service as awards
from app.awards.models import Appeal, AppealStatus
from app.awards.schemas import AppealDecisionIn, AppealIn, AppealRead
from app.challenges import clock, lifecycle
from app.challenges import service as challenges_service
from app.challenges.access import is_manager
from app.challenges.enums import ChallengeState
from app.challenges.models import Challenge, ChallengeRegistration
from app.challenges.states import appeals_close_at
from app.config import get_settings
from app.errors import Conflict, NotFound
from app.i18n.translate import N_, translatable
from app.kit.money import format_money
from app.notifications import service as notifications
from app.submissions import access as submissions_access
from app.submissions.models import Submission, SubmissionState
from app.verification import service as verification

# One sentence per decided status, so each translates whole.
_DECIDED_ALREADY = {AppealStatus.UPHELD: N_("This appeal was upheld already."),
                    AppealStatus.DISMISSED: N_("This appeal was dismissed already.")}


def appeals_open(challenge: Challenge) -> bool:
    closes = appeals_close_at(challenge.awards_proposed_at, challenge.appeals_window_days)
    return challenge.state == ChallengeState.AWARDS_PROPOSED and closes is not None \
        and clock.now() < closes


def _read(db: Session, appeal: Appeal) -> AppealRead:
    submission = db.get(Submission, appeal.submission_id)
    registration = db.get(ChallengeRegistration, submission.registration_id) \
        if submission else None
    names = submissions_access.entrant_names(db, [registration]) if registration else {}
    return AppealRead(
        id=appeal.id, challenge_id=appeal.challenge_id, submission_id=appeal.submission_id,
        entry_title=submission.title if submission else "",
        entrant=names.get(registration.id, "") if registration else "", reason=appeal.reason,
        status=appeal.status, decision=appeal.decision, created_at=appeal.created_at,
        decided_at=appeal.decided_at)


def _visible(db: Session, challenge_id: int, user: User) -> tuple[Challenge, bool,
                                                                  ChallengeRegistration | None]:
    challenge = challenges_service.get(db, challenge_id=challenge_id, viewer=user)
    manager = is_manager(challenge, user)
    mine = submissions_access.registration_for(db, challenge=challenge, user=user)
    if not manager and mine is None:
        raise NotFound()
    return challenge, manager, mine


def list_appeals(db: Session, *, challenge_id: int, user: User) -> list[AppealRead]:
    """Every appeal for the manager; the entrant's own for them."""
    challenge, manager, mine = _visible(db, challenge_id, user)
    query = select(Appeal).where(Appeal.challenge_id == challenge.id).order_by(Appeal.id)
    if not manager:
        query = query.join(Submission, Submission.id == Appeal.submission_id).where(
            Submission.registration_id == (mine.id if mine else 0))
    return [_read(db, a) for a in db.scalars(query)]


def file(db: Session, *, challenge_id: int, user: User, body: AppealIn) -> AppealRead:
    challenge, _, mine = _visible(db, challenge_id, user)
    submission = db.get(Submission, body.submission_id)
    if mine is None or submission is None or submission.registration_id != mine.id \
            or submission.state != SubmissionState.SUBMITTED:
        raise NotFound(N_("You have no submitted entry with this id in this challenge."))
    if not appeals_open(challenge):
        raise Conflict(N_("Appeals are filed while the awards are proposed and the appeals "
                          "window is open."), code="appeals_closed",
                       fields={"state": challenge.state.value})
    if db.scalar(select(Appeal.id).where(Appeal.submission_id == submission.id)):
        raise Conflict(N_("This entry has been appealed already."), code="appeal_exists",
                       fields={"submission_id": N_("already appealed")})
    # An appeal can change an award only through the entry's verified outcomes, which exist
    # only for the entries judging shortlisted; judging's scores are final once submitted.
    if submission.id not in {e.submission_id for e in awards.shortlist(db, challenge)}:
        raise Conflict(N_("Only entries judging shortlisted take part in the awards, so only "
                          "they can be appealed."), code="not_shortlisted",
                       fields={"submission_id": N_("not shortlisted by judging")})
    appeal = Appeal(challenge_id=challenge.id, submission_id=submission.id,
                    appellant_id=user.id, reason=body.reason)
    db.add(appeal)
    try:
        db.flush()
    except IntegrityError as exc:  # filed at the same moment by a team mate
        raise Conflict(N_("This entry has been appealed already."), code="appeal_exists",
                       fields={"submission_id": N_("already appealed")}) from exc
    admins = db.scalars(select(UserRole.user_id).where(UserRole.role == Role.ADMIN))
    url = f"{get_settings().base_url}{awards.awards_url(challenge)}"
    notifications.queue_many(
        db, recipient_ids=[challenge.owner_id, *admins],
        subject=translatable("Appeal against the awards: %(challenge)s",
                             challenge=challenge.title),
        body=translatable("The entrants of \"%(entry)s\" appeal: %(reason)s\n\n%(url)s",
                          entry=submission.title, reason=body.reason, url=url),
        kind="awards.appeal")
    return _read(db, appeal)


def decide(db: Session, *, appeal_id: int, admin: User, body: AppealDecisionIn) -> AppealRead:
    """Uphold (recomputing the awards) or dismiss an open appeal; its entrants are told."""
    appeal = db.get(Appeal, appeal_id, with_for_update=True, populate_existing=True)
    if appeal is None:
        raise NotFound(N_("No such appeal."))
    if appeal.status != AppealStatus.OPEN:
        raise Conflict(_DECIDED_ALREADY[appeal.status], code="already_decided")
    challenge = challenges_service.get(db, challenge_id=appeal.challenge_id, viewer=admin)
    changed: dict[int, tuple[int, int]] = {}
    if body.outcome == "upheld":
        changed = awards.recompute(db, challenge=challenge)
    appeal.status = AppealStatus(body.outcome)
    appeal.decision, appeal.decided_by_id, appeal.decided_at = body.decision, admin.id, clock.now()
    db.flush()
    _tell(db, challenge, appeal, changed)
    return _read(db, appeal)


def _tell(db: Session, challenge: Challenge, appeal: Appeal,
          changed: dict[int, tuple[int, int]]) -> None:
    currency = (challenge.prize_rules or {}).get("purse", {}).get("currency", "")
    url = f"{get_settings().base_url}{awards.awards_url(challenge)}"
    for submission_id in sorted({appeal.submission_id, *changed}):
        submission = db.get(Submission, submission_id)
        registration = db.get(ChallengeRegistration, submission.registration_id) \
            if submission else None
        if submission is None or registration is None:
            continue
        lines = []
        if submission_id == appeal.submission_id:
            # One whole sentence per decision, so each translates whole.
            lines.append(translatable(
                "Your appeal for \"%(entry)s\" was upheld: %(decision)s",
                entry=submission.title, decision=appeal.decision)
                if appeal.status == AppealStatus.UPHELD else translatable(
                "Your appeal for \"%(entry)s\" was dismissed: %(decision)s",
                entry=submission.title, decision=appeal.decision))
        if submission_id in changed:
            old, new = changed[submission_id]
            lines.append(translatable(
                "The awards were recomputed: \"%(entry)s\" is now proposed %(new)s (before: "
                "%(old)s).", entry=submission.title, new=format_money(new, currency),
                old=format_money(old, currency)))
        body = url
        for line in reversed(lines):  # the lines, then the address, a blank line between
            body = translatable("%(intro)s\n\n%(rest)s", intro=line, rest=body)
        notifications.queue_many(
            db, recipient_ids=sorted(submissions_access.entrant_ids(db,
                                                                    registration=registration)),
            subject=translatable("Appeal decided: %(challenge)s", challenge=challenge.title),
            body=body, kind="awards.appeal_decided")


def _reopened(db: Session, challenge: Challenge, submission_id: int) -> bool:
    """An open appeal lets verifiers correct the entry's attestations after verification."""
    return challenge.state == ChallengeState.AWARDS_PROPOSED and db.scalar(
        select(Appeal.id).where(Appeal.submission_id == submission_id,
                                Appeal.status == AppealStatus.OPEN)) is not None


def _no_open_appeals_when_finalising(db: Session, challenge: Challenge, action: str,
                                     user: User) -> None:
    if action == "finalise" and db.scalar(select(Appeal.id).where(
            Appeal.challenge_id == challenge.id, Appeal.status == AppealStatus.OPEN).limit(1)):
        raise Conflict(N_("An appeal is still open; decide it before finalising."),
                       code="appeals_open")


if _reopened not in verification.REOPENED_BY:
    verification.REOPENED_BY.append(_reopened)
if _no_open_appeals_when_finalising not in lifecycle.BEFORE_ACTION:
    lifecycle.BEFORE_ACTION.append(_no_open_appeals_when_finalising)


def get(db: Session, *, appeal_id: int) -> Appeal:
    appeal = db.get(Appeal, appeal_id)
    if appeal is None:
        raise NotFound(N_("No such appeal."))
    return appeal
