"""Appeals against proposed awards: an entrant files one per entry while the appeals window is
open; while it is open the entry's outcomes may be re-attested; an admin upholds it (the awards
are recomputed from the outcomes as they then are) or dismisses it, giving reasons either way.
No challenge is finalised while one of its appeals is open (`app/workflow/` applies each rule)."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.accounts.models import Role, User, UserRole
from app.audit import service as audit
from app.awards import service as awards
from app.awards.models import Appeal, AppealStatus
from app.awards.schemas import AppealDecisionIn, AppealIn, AppealRead
from app.challenges import clock, deadlines, lifecycle
from app.challenges.enums import ChallengeState
from app.challenges.models import Challenge, ChallengeRegistration
from app.errors import Conflict, NotFound
from app.i18n.translate import N_, translatable
from app.kit.links import site_link
from app.notifications import service as notifications
from app.submissions import access as submissions_access
from app.submissions.models import Submission, SubmissionState

# One sentence per decided status, so each translates whole.
_DECIDED_ALREADY = {AppealStatus.UPHELD: N_("This appeal was upheld already."),
                    AppealStatus.DISMISSED: N_("This appeal was dismissed already.")}


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


def list_appeals(db: Session, *, challenge_id: int, user: User) -> list[AppealRead]:
    """Every appeal for the manager; the entrant's own for them."""
    challenge, manager, mine = awards.visible(db, challenge_id=challenge_id, user=user)
    query = select(Appeal).where(Appeal.challenge_id == challenge.id).order_by(Appeal.id)
    if not manager:
        query = query.join(Submission, Submission.id == Appeal.submission_id).where(
            Submission.registration_id == (mine.id if mine else 0))
    return [_read(db, a) for a in db.scalars(query)]


def file(db: Session, *, challenge: Challenge, mine: ChallengeRegistration | None, user: User,
         body: AppealIn, shortlisted: Collection[int]) -> AppealRead:
    """File an appeal against the awards proposed for one of `user`'s entries (`mine`), one of
    the `shortlisted` submissions."""
    submission = db.get(Submission, body.submission_id)
    if mine is None or submission is None or submission.registration_id != mine.id \
            or submission.state != SubmissionState.SUBMITTED:
        raise NotFound(N_("You have no submitted entry with this id in this challenge."))
    if not deadlines.appeals_open(challenge, clock.now()):
        raise Conflict(N_("Appeals are filed while the awards are proposed and the appeals "
                          "window is open."), code="appeals_closed",
                       fields={"state": challenge.state.value})
    if db.scalar(select(Appeal.id).where(Appeal.submission_id == submission.id)):
        raise Conflict(N_("This entry has been appealed already."), code="appeal_exists",
                       fields={"submission_id": N_("already appealed")})
    # An appeal can change an award only through the entry's verified outcomes, which exist
    # only for the entries judging shortlisted; judging's scores are final once submitted.
    if submission.id not in shortlisted:
        raise Conflict(N_("Only entries judging shortlisted take part in the awards, so only "
                          "they can be appealed."), code="not_shortlisted",
                       fields={"submission_id": N_("not shortlisted by judging")})
    # The awards must still be proposed when the appeal is made (a compare-and-set on the
    # challenge's state, held to the commit): finalising at the same moment comes first and
    # refuses this appeal, or comes after it and sees it open.
    lifecycle.hold(db, challenge=challenge, states={ChallengeState.AWARDS_PROPOSED})
    appeal = Appeal(challenge_id=challenge.id, submission_id=submission.id,
                    appellant_id=user.id, reason=body.reason)
    try:
        with db.begin_nested():  # filed at the same moment by a team mate: the unique key
            db.add(appeal)
    except IntegrityError as exc:
        raise Conflict(N_("This entry has been appealed already."), code="appeal_exists",
                       fields={"submission_id": N_("already appealed")}) from exc
    audit.record(db, event="appeal.filed", actor_id=user.id, challenge_id=challenge.id,
                 appeal_id=appeal.id, submission_id=submission.id, reason=body.reason)
    admins = db.scalars(select(UserRole.user_id).where(UserRole.role == Role.ADMIN))
    url = site_link(awards.awards_url(challenge))
    notifications.queue_many(
        db, recipient_ids=[challenge.owner_id, *admins],
        subject=translatable("Appeal against the awards: %(challenge)s",
                             challenge=challenge.title),
        body=translatable("The entrants of \"%(entry)s\" appeal: %(reason)s\n\n%(url)s",
                          entry=submission.title, reason=body.reason, url=url),
        kind="awards.appeal")
    return _read(db, appeal)


def open_appeal(db: Session, *, appeal_id: int) -> Appeal:
    """The appeal, locked for its decision; 409 once it has been decided."""
    appeal = db.get(Appeal, appeal_id, with_for_update=True, populate_existing=True)
    if appeal is None:
        raise NotFound(N_("No such appeal."))
    if appeal.status != AppealStatus.OPEN:
        raise Conflict(_DECIDED_ALREADY[appeal.status], code="already_decided")
    return appeal


def record_decision(db: Session, *, appeal: Appeal, admin: User,
                    body: AppealDecisionIn) -> AppealRead:
    """Decide an open appeal (audited); 409 if it was decided meanwhile.

    A compare-and-set on `status = 'open'`, not only the row lock `open_appeal` takes (SQLite
    has none): of two admins deciding at once, one decision is recorded and the other refused.
    """
    result = db.execute(update(Appeal).where(Appeal.id == appeal.id,
                                             Appeal.status == AppealStatus.OPEN)
                        .values(status=AppealStatus(body.outcome), decision=body.decision,
                                decided_by_id=admin.id, decided_at=clock.now())
                        .execution_options(synchronize_session=False))
    db.refresh(appeal)
    if getattr(result, "rowcount", 0) != 1:
        raise Conflict(_DECIDED_ALREADY[appeal.status], code="already_decided")
    audit.record(db, event="appeal.decided", actor_id=admin.id,
                 subject_user_id=appeal.appellant_id, challenge_id=appeal.challenge_id,
                 appeal_id=appeal.id, submission_id=appeal.submission_id,
                 outcome=appeal.status.value, decision=body.decision)
    return _read(db, appeal)


def hold_open(db: Session, *, submission_id: int) -> None:
    """Before an entry's outcome is re-attested under its appeal: a compare-and-set on the
    appeal's being open, held to the commit, so that its decision (and the recomputed awards)
    comes after the attestation, or the attestation is refused (409) once it is decided."""
    result = db.execute(update(Appeal).where(Appeal.submission_id == submission_id,
                                             Appeal.status == AppealStatus.OPEN)
                        .values(status=Appeal.status)
                        .execution_options(synchronize_session=False))
    if getattr(result, "rowcount", 0) != 1:
        raise Conflict(N_("The appeal against this entry was decided meanwhile, so its outcomes "
                          "can no longer be corrected."), code="verification_closed")


def open_for_entry(db: Session, *, challenge: Challenge, submission_id: int) -> bool:
    """An open appeal lets verifiers correct the entry's attestations after verification."""
    return challenge.state == ChallengeState.AWARDS_PROPOSED and db.scalar(
        select(Appeal.id).where(Appeal.submission_id == submission_id,
                                Appeal.status == AppealStatus.OPEN)) is not None


def any_open(db: Session, *, challenge: Challenge) -> bool:
    return db.scalar(select(Appeal.id).where(Appeal.challenge_id == challenge.id,
                                             Appeal.status == AppealStatus.OPEN).limit(1)) \
        is not None


def get(db: Session, *, appeal_id: int) -> Appeal:
    appeal = db.get(Appeal, appeal_id)
    if appeal is None:
        raise NotFound(N_("No such appeal."))
    return appeal
