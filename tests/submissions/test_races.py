"""An entry changed by two requests at once (two team mates, two tabs): each change of its state
is a compare-and-set, so a request that read the entry before another one changed it is refused
instead of undoing that change. Each test lets the other request commit between this one's read
and its write (on a session of its own, as SQLite and PostgreSQL would run them)."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import workflow
from app.accounts.models import User
from app.challenges.models import ChallengeRegistration
from app.config import Settings
from app.errors import Conflict
from app.submissions import access, service, uploads
from app.submissions.models import Submission, SubmissionFile, SubmissionReceipt, SubmissionState
from app.submissions.schemas import SubmissionUpdate
from tests.challenges.factories import Clock
from tests.concurrency import meanwhile
from tests.submissions.factories import (
    add_pdf,
    open_challenge,
    pdf,
    register,
    solver,
    start,
    submitted,
    team_registration,
)


def _as(session: Session, user: User, submission_id: int) -> access.Entry:
    person = session.get(User, user.id)
    assert person is not None
    return access.load_for_entrant(session, submission_id=submission_id, user=person)


def _submit_meanwhile(settings: Settings, user: User, submission_id: int) -> None:
    meanwhile(settings.database_url, lambda s: service.submit(
        s, entry=_as(s, user, submission_id), user=s.get(User, user.id)))  # type: ignore[arg-type]


def _count(db: Session, model: type, **where: object) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(model).filter_by(**where)) or 0


def test_a_submit_on_a_stale_read_does_not_seal_the_entry_twice(
        db: Session, clock: Clock, settings: Settings) -> None:
    arena = open_challenge(db, clock)
    lead, mate = solver(db), solver(db)
    team_registration(db, arena.challenge, lead, [mate])
    entry = start(db, arena.challenge, lead)
    add_pdf(db, entry, lead)
    _submit_meanwhile(settings, mate, entry.submission.id)  # the team mate submitted it
    with pytest.raises(Conflict) as refused:
        service.submit(db, entry=entry, user=lead)  # this request read it as a draft
    assert refused.value.code == "already_submitted"
    db.rollback()
    assert _count(db, SubmissionReceipt, submission_id=entry.submission.id) == 1


def test_an_edit_or_an_upload_after_a_submit_meanwhile_is_refused(
        db: Session, clock: Clock, settings: Settings) -> None:
    arena = open_challenge(db, clock)
    lead, mate = solver(db), solver(db)
    team_registration(db, arena.challenge, lead, [mate])
    entry = start(db, arena.challenge, lead, title="As submitted")
    add_pdf(db, entry, lead)
    _submit_meanwhile(settings, mate, entry.submission.id)
    with pytest.raises(Conflict) as refused:
        service.update(db, entry=entry, body=SubmissionUpdate(title="Changed under the receipt"))
    assert refused.value.code == "already_submitted"
    db.rollback()
    with pytest.raises(Conflict) as refused:
        uploads.add_file(db, entry=entry, user=lead, filename="late.pdf",
                         stream=io.BytesIO(pdf(b"late")))
    assert refused.value.code == "already_submitted"
    db.rollback()
    db.expire_all()
    stored = db.get(Submission, entry.submission.id)
    assert stored is not None
    assert (stored.title, stored.state) == ("As submitted", SubmissionState.SUBMITTED)
    assert _count(db, SubmissionFile, submission_id=entry.submission.id) == 1


def test_two_reopens_on_one_read_reopen_the_entry_once(db: Session, clock: Clock,
                                                       settings: Settings) -> None:
    arena = open_challenge(db, clock)
    me = solver(db)
    register(db, arena.challenge, me)
    entry, _ = submitted(db, arena.challenge, me)
    meanwhile(settings.database_url, lambda s: service.reopen(
        s, entry=_as(s, me, entry.submission.id), user=s.get(User, me.id)))  # type: ignore[arg-type]
    with pytest.raises(Conflict) as refused:
        service.reopen(db, entry=entry, user=me)
    assert refused.value.code == "not_submitted"


def test_withdrawing_while_a_team_mate_submits_keeps_the_entry_and_its_receipt(
        db: Session, clock: Clock, settings: Settings) -> None:
    arena = open_challenge(db, clock)
    lead, mate = solver(db), solver(db)
    registration = team_registration(db, arena.challenge, lead, [mate])
    entry = start(db, arena.challenge, mate)
    add_pdf(db, entry, mate)
    # The lead's withdrawal reads the entry: a draft never submitted ...
    seen = access.load(db, submission_id=entry.submission.id, user=lead).submission
    assert (seen.state, seen.receipts) == (SubmissionState.DRAFT, [])
    # ... just before the team mate's submit commits.
    _submit_meanwhile(settings, mate, entry.submission.id)
    with pytest.raises(Conflict) as refused:
        workflow.withdraw_registration(db, challenge=arena.challenge, user=lead)
    assert refused.value.code == "entry_submitted"
    db.rollback()
    # ... and the submitted entry, its receipt and the registration are all kept.
    assert _count(db, Submission, id=entry.submission.id) == 1
    assert _count(db, SubmissionReceipt, submission_id=entry.submission.id) == 1
    assert _count(db, ChallengeRegistration, id=registration.id) == 1
