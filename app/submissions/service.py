"""Entries: start one, edit the draft, submit it for a receipt, reopen it; the sponsor's list.

The business steps come in order (OWASP ASVS 2.3.1): a draft changes only while the challenge
is open and before submissions close; submitting needs a title and at least one file and
freezes the entry; reopening (also only while open) makes it a draft again, and the next
submission gets the next receipt number while the earlier receipts stay as they were.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.challenges import clock
from app.challenges.access import require_manager
from app.challenges.models import Challenge, ChallengeRegistration
from app.errors import Conflict, NotFound, ValidationFailed
from app.i18n.translate import N_, translatable
from app.kit.links import site_link
from app.notifications import service as notifications
from app.submissions import receipts, uploads
from app.submissions.access import (
    Entry,
    check_editable,
    check_open,
    entrant_ids,
    entrant_names,
    hold_draft,
    move,
    registration_for,
    team_name,
)
from app.submissions.models import Submission, SubmissionReceipt, SubmissionState
from app.submissions.schemas import SubmissionCreate, SubmissionUpdate

NOT_REGISTERED = N_("You are not registered for this challenge.")


def my_entry(db: Session, *, challenge: Challenge,
             user: User) -> tuple[ChallengeRegistration | None, Submission | None]:
    """The user's registration for the challenge (own or team) and its entry, if any."""
    registration = registration_for(db, challenge=challenge, user=user)
    if registration is None:
        return None, None
    submission = db.scalar(select(Submission).where(
        Submission.registration_id == registration.id))
    return registration, submission


def get_mine(db: Session, *, challenge: Challenge, user: User) -> Entry:
    """The user's entry for the challenge (404 when not registered or not started)."""
    registration, submission = my_entry(db, challenge=challenge, user=user)
    if registration is None:
        raise NotFound(NOT_REGISTERED)
    if submission is None:
        raise NotFound(N_("You have not started an entry for this challenge yet."))
    return Entry(submission, challenge, registration, as_entrant=True)


def create(db: Session, *, challenge: Challenge, user: User, body: SubmissionCreate) -> Entry:
    """Start the registration's one entry, as a draft."""
    registration, existing = my_entry(db, challenge=challenge, user=user)
    if registration is None:
        raise NotFound(NOT_REGISTERED)
    check_open(challenge)
    if existing is not None:
        raise Conflict(N_("Your entry for this challenge exists already; edit it instead."),
                       code="already_started", fields={"submission_id": str(existing.id)})
    now = clock.now()
    submission = Submission(challenge_id=challenge.id, registration_id=registration.id,
                            title=body.title, summary=body.summary, created_by_id=user.id,
                            created_at=now, updated_at=now)
    try:
        # Two team members (or two tabs) starting at once both pass the check above; the
        # registration's unique key lets one in and turns the other into the same 409.
        with db.begin_nested():
            db.add(submission)
    except IntegrityError as exc:
        raise Conflict(N_("Your entry for this challenge exists already; edit it instead."),
                       code="already_started") from exc
    return Entry(submission, challenge, registration, as_entrant=True)


def update(db: Session, *, entry: Entry, body: SubmissionUpdate) -> None:
    """Change the draft's title and summary (only the fields given)."""
    check_editable(entry)
    submission = entry.submission
    hold_draft(db, submission, at=clock.now())
    if body.title is not None:
        submission.title = body.title
    if body.summary is not None:
        submission.summary = body.summary
    db.flush()


def _url(path: str) -> str:
    return site_link(path)


def submit(db: Session, *, entry: Entry, user: User) -> SubmissionReceipt:
    """Freeze the entry and issue its next receipt; every entrant gets the receipt's hash."""
    check_open(entry.challenge)
    submission = entry.submission
    if submission.state == SubmissionState.SUBMITTED:
        raise Conflict(N_("This entry has been submitted already."), code="already_submitted")
    _check_complete(submission)
    # Whole seconds: the receipt's text and the stored time must say the same moment.
    now = clock.now().replace(microsecond=0)
    # A compare-and-set on the draft: of two submits at once one seals the entry; what it seals
    # is read again with the row held, so an upload meanwhile is in the receipt or refused.
    if not move(db, submission, expected=SubmissionState.DRAFT, to=SubmissionState.SUBMITTED,
                at=now):
        raise Conflict(N_("This entry has been submitted already."), code="already_submitted")
    db.refresh(submission, ["title", "summary", "files", "receipts"])
    _check_complete(submission)
    number = max((r.number for r in submission.receipts), default=0) + 1
    sealed = receipts.seal(receipts.document(
        number=number, challenge_id=entry.challenge.id, challenge_title=entry.challenge.title,
        submission_id=submission.id, registration_id=entry.registration.id,
        team=team_name(db, entry.registration), title=submission.title,
        summary=submission.summary,
        files=[receipts.ReceiptFile(f.original_name, f.size_bytes, f.sha256)
               for f in submission.files],
        submitted_at=now))
    receipt = SubmissionReceipt(number=number, canonical_json=sealed.canonical_json,
                                sha256=sealed.sha256, submitted_at=now, submitted_by_id=user.id)
    submission.receipts.append(receipt)
    db.flush()
    notifications.queue_many(
        db, recipient_ids=sorted(entrant_ids(db, registration=entry.registration)),
        subject=translatable("Entry submitted: %(challenge)s", challenge=entry.challenge.title),
        body=translatable(
            "The entry \"%(title)s\" was submitted on %(at)s UTC (receipt %(number)s).\n\n"
            "SHA-256 of the receipt: %(sha256)s\n\n"
            "Keep this message: the receipt lists every file with its own SHA-256.\n"
            "%(url)s",
            title=submission.title, at=now.strftime("%Y-%m-%d %H:%M:%S"), number=number,
            sha256=sealed.sha256,
            url=_url(f"/submissions/{submission.id}/receipts/{number}")),
        kind="submission.submitted")
    return receipt


def _check_complete(submission: Submission) -> None:
    missing: dict[str, str] = {}
    if not submission.title.strip():
        missing["title"] = N_("give your entry a title")
    if not submission.files:
        missing["files"] = N_("upload at least one PDF file")
    if missing:
        raise ValidationFailed(N_("Your entry is not complete yet."), code="incomplete",
                               fields=missing)


def reopen(db: Session, *, entry: Entry, user: User) -> None:
    """Make a submitted entry a draft again, while the challenge is open; receipts stay."""
    check_open(entry.challenge)
    submission = entry.submission
    now = clock.now()
    # A compare-and-set on the submitted state: two reopens at once reopen it once.
    if not move(db, submission, expected=SubmissionState.SUBMITTED, to=SubmissionState.DRAFT,
                at=now):
        raise Conflict(N_("This entry is a draft already."), code="not_submitted")
    others = entrant_ids(db, registration=entry.registration) - {user.id}
    notifications.queue_many(
        db, recipient_ids=sorted(others),
        subject=translatable("Entry reopened: %(challenge)s", challenge=entry.challenge.title),
        body=translatable(
            "%(name)s reopened the entry \"%(title)s\". It is a draft again and is entered "
            "only if it is submitted again before the deadline.\n\n%(url)s",
            name=user.display_name, title=submission.title,
            url=_url(f"/challenges/{entry.challenge.id}/submission")),
        kind="submission.reopened")


def receipt(entry: Entry, number: int) -> SubmissionReceipt:
    for item in entry.submission.receipts:
        if item.number == number:
            return item
    raise NotFound(N_("No such receipt."))


def list_submitted(db: Session, *, challenge: Challenge, user: User, limit: int = 50,
                   offset: int = 0) -> tuple[list[tuple[Submission, str]], int]:
    """The challenge's submitted entries with their entrants' names, for its owner or admins."""
    require_manager(challenge, user, refusal=N_(
        "Only the sponsor who owns this challenge (or an admin) sees its entries."))
    where = (Submission.challenge_id == challenge.id,
             Submission.state == SubmissionState.SUBMITTED)
    total = db.scalar(select(func.count()).select_from(Submission).where(*where)) or 0
    rows = list(db.scalars(select(Submission).where(*where)
                           .order_by(Submission.submitted_at, Submission.id)
                           .limit(limit).offset(offset)))
    regs = list(db.scalars(select(ChallengeRegistration).where(
        ChallengeRegistration.id.in_([s.registration_id for s in rows])))) if rows else []
    names = entrant_names(db, regs)
    return [(s, names.get(s.registration_id, "")) for s in rows], total


def count_submitted(db: Session, *, challenge: Challenge) -> int:
    return db.scalar(select(func.count()).select_from(Submission).where(
        Submission.challenge_id == challenge.id,
        Submission.state == SubmissionState.SUBMITTED)) or 0


def entrant_name(db: Session, entry: Entry) -> str:
    return entrant_names(db, [entry.registration])[entry.registration.id]


def discard_unsubmitted_entry(db: Session, registration: ChallengeRegistration) -> None:
    """A registration whose entry was ever submitted stays (its receipts are kept for good);
    a draft that never was goes with it, its files once the withdrawal is committed."""
    submission = db.scalar(select(Submission).where(
        Submission.registration_id == registration.id))
    if submission is None:
        return
    if submission.state == SubmissionState.SUBMITTED or submission.receipts:
        raise _entry_submitted()
    # Deleted only if it is still a draft never submitted (a compare-and-set): a team mate's
    # submit at the same moment keeps the entry, its receipt and the registration.
    never_submitted = ~select(SubmissionReceipt.id).where(
        SubmissionReceipt.submission_id == submission.id).exists()
    result = db.execute(delete(Submission).where(
        Submission.id == submission.id, Submission.state == SubmissionState.DRAFT,
        never_submitted).execution_options(synchronize_session=False))
    if getattr(result, "rowcount", 0) != 1:
        raise _entry_submitted()
    uploads.discard_all(db, submission)  # the files, once the withdrawal is committed
    db.expunge(submission)


def _entry_submitted() -> Conflict:
    return Conflict(N_("Your entry has been submitted, so the registration cannot be "
                       "withdrawn (receipts are kept for good). An entry reopened and not "
                       "submitted again before the deadline is not judged."),
                    code="entry_submitted")

