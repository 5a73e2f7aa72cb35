"""A judge's work on a challenge in judging: the blind list of entries, one entry and its files,
the scorecard (a draft, then submitted for good) and recusal.

Callers pass a challenge the judge was seated at (`access.as_judge`). Everything handed out
here names an entry by its code only (`codes.py`); see `schemas.py` for what is left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, raiseload
from sqlalchemy.orm.attributes import set_committed_value

from app.accounts.models import User
from app.challenges import clock, deadlines
from app.challenges.enums import ChallengeState
from app.challenges.models import Challenge
from app.challenges.rules import normalised_weights
from app.config import get_settings
from app.errors import Conflict, NotFound, ValidationFailed
from app.i18n.translate import N_
from app.judging import codes, files, scoring
from app.judging.models import CriterionScore, Recusal, Scorecard, ScorecardState
from app.judging.schemas import (
    CriterionRead,
    CriterionScoreRead,
    EntryFileRead,
    EntryRead,
    EntryStatus,
    EntrySummaryRead,
    ScorecardIn,
    ScorecardRead,
)
from app.submissions import access as submissions_access
from app.submissions.models import Submission, SubmissionState

NO_ENTRY = N_("No such entry.")
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Entry:
    code: str
    submission: Submission


def require_judging(challenge: Challenge) -> None:
    if challenge.state != ChallengeState.JUDGING:
        raise Conflict(N_("Entries are judged while the challenge is in judging."),
                       code="not_judging", fields={"state": challenge.state.value})


def require_scoring_open(challenge: Challenge) -> None:
    """Scorecards change (saved, submitted) and judges recuse only until `judging_ends_at`."""
    require_judging(challenge)
    if not deadlines.judging_open(challenge, clock.now()):
        raise Conflict(N_("Judging has ended: scorecards can no longer be saved or submitted."),
                       code="judging_ended",
                       fields={"timeline.judging_ends_at": N_("passed")})


def _entries(db: Session, *, challenge: Challenge, judge: User) -> list[Entry]:
    """The challenge's submitted entries the judge has not recused from, in code order (which
    says nothing about who entered or when)."""
    submitted = list(db.scalars(
        select(Submission).options(raiseload(Submission.receipts))
        .where(Submission.challenge_id == challenge.id,
               Submission.state == SubmissionState.SUBMITTED)))
    recused = set(db.scalars(select(Recusal.submission_id).where(
        Recusal.challenge_id == challenge.id, Recusal.judge_id == judge.id)))
    # A judge who entered (alone, or joined a team that had) never sees that entry: assignment
    # refuses entrants, but a team may take a judge on after the judge was assigned.
    own = submissions_access.registration_for(db, challenge=challenge, user=judge)
    if own is not None:
        recused |= {s.id for s in submitted if s.registration_id == own.id}
    # Codes over every entry (recused ones too), so each judge sees the same code for an entry.
    by_id = codes.codes_for(get_settings().secret_key, challenge.id, [s.id for s in submitted])
    return sorted((Entry(by_id[s.id], s) for s in submitted if s.id not in recused),
                  key=lambda e: e.code)


def _entry(db: Session, *, challenge: Challenge, judge: User, code: str) -> Entry:
    """The one entry behind `code`, as `_entries` would list it for this judge.

    Codes depend on every entry's id (they grow while two share a prefix), so the ids are read,
    but only the entry asked for is loaded: a scorecard saved on a challenge with 1,000 entries
    must not load all 1,000 with their files."""
    require_judging(challenge)
    ids = list(db.scalars(select(Submission.id).where(
        Submission.challenge_id == challenge.id,
        Submission.state == SubmissionState.SUBMITTED)))
    by_code = {c: sid for sid, c in codes.codes_for(get_settings().secret_key, challenge.id,
                                                    ids).items()}
    submission = db.get(Submission, by_code[code]) if code in by_code else None
    if submission is None or db.scalar(select(Recusal.submission_id).where(
            Recusal.challenge_id == challenge.id, Recusal.judge_id == judge.id,
            Recusal.submission_id == submission.id)) is not None:
        raise NotFound(NO_ENTRY)
    own = submissions_access.registration_for(db, challenge=challenge, user=judge)
    if own is not None and submission.registration_id == own.id:
        raise NotFound(NO_ENTRY)
    return Entry(code, submission)


def _card(db: Session, *, judge: User, submission: Submission) -> Scorecard | None:
    return db.scalar(select(Scorecard).where(Scorecard.submission_id == submission.id,
                                             Scorecard.judge_id == judge.id))


def criteria(challenge: Challenge) -> list[CriterionRead]:
    shares = normalised_weights([c.weight for c in challenge.criteria]) \
        if challenge.criteria else []
    return [CriterionRead(id=c.id, name=c.name, description=c.description, weight=c.weight,
                          share=share, min_score=c.min_score)
            for c, share in zip(challenge.criteria, shares, strict=True)]


def rubric(challenge: Challenge) -> list[scoring.Criterion]:
    return [scoring.Criterion(str(c.id), c.weight, c.min_score) for c in challenge.criteria]


def _card_read(challenge: Challenge, card: Scorecard) -> ScorecardRead:
    given = {s.criterion_id: s.score for s in card.scores}
    complete = bool(challenge.criteria) and all(c.id in given for c in challenge.criteria)
    return ScorecardRead(
        state=card.state,
        scores=[CriterionScoreRead(criterion_id=c.id, score=given.get(c.id))
                for c in challenge.criteria],
        comment=card.comment,
        weighted_total=scoring.weighted_total(
            rubric(challenge), {str(k): v for k, v in given.items()}) if complete else None,
        updated_at=card.updated_at, submitted_at=card.submitted_at)


def _status(card: Scorecard | None) -> EntryStatus:
    if card is None:
        return EntryStatus.NOT_STARTED
    return EntryStatus(card.state.value)


def entry_url(challenge: Challenge, code: str) -> str:
    return f"/challenges/{challenge.id}/judging/entries/{code}"


def entries(db: Session, *, challenge: Challenge, judge: User) -> list[EntrySummaryRead]:
    """The entries to score, each with the judge's own progress on it."""
    require_judging(challenge)
    mine = {card.submission_id: card for card in db.scalars(select(Scorecard).where(
        Scorecard.challenge_id == challenge.id, Scorecard.judge_id == judge.id))}
    return [EntrySummaryRead(code=e.code, title=e.submission.title,
                             status=_status(mine.get(e.submission.id)),
                             url=entry_url(challenge, e.code))
            for e in _entries(db, challenge=challenge, judge=judge)]


def entry(db: Session, *, challenge: Challenge, judge: User, code: str) -> EntryRead:
    """One entry as its judges see it: title, summary, files, rubric and their own scorecard."""
    found = _entry(db, challenge=challenge, judge=judge, code=code)
    card = _card(db, judge=judge, submission=found.submission)
    base = entry_url(challenge, code)
    return EntryRead(
        code=code, title=found.submission.title, summary=found.submission.summary,
        files=[EntryFileRead(number=n, name=files.download_name(code, n),
                             size_bytes=record.size_bytes, url=f"{base}/files/{n}")
               for n, record in enumerate(found.submission.files, start=1)],
        criteria=criteria(challenge),
        scorecard=_card_read(challenge, card) if card else None)


def entry_file(db: Session, *, challenge: Challenge, judge: User, code: str,
               number: int) -> tuple[Path, str]:
    """The stored file and its download name (the code and the file's number, 1, 2, ...)."""
    found = _entry(db, challenge=challenge, judge=judge, code=code)
    records = found.submission.files
    if not 1 <= number <= len(records):
        raise NotFound(N_("No such file."))
    path = files.stored_path(records[number - 1])
    if not path.is_file():
        raise NotFound(N_("No such file."))
    return path, files.download_name(code, number)


def _scores(challenge: Challenge, body: ScorecardIn) -> dict[int, Decimal]:
    known = {c.id for c in challenge.criteria}
    problems: dict[str, str] = {}
    scores: dict[int, Decimal] = {}
    for i, given in enumerate(body.scores):
        if given.criterion_id not in known:
            problems[f"scores.{i}.criterion_id"] = N_("not a criterion of this challenge")
        elif given.criterion_id in scores:
            problems[f"scores.{i}.criterion_id"] = N_("scored twice")
        elif given.score is not None:
            # One normal form: 7, "7" and "7.0" are all kept as 7.0.
            scores[given.criterion_id] = given.score.quantize(TENTH)
    if problems:
        raise ValidationFailed(N_("Some scores are not valid."), fields=problems)
    return scores


def _editable_card(db: Session, *, challenge: Challenge, judge: User,
                   submission: Submission) -> Scorecard:
    card = _card(db, judge=judge, submission=submission)
    if card is None:
        card = Scorecard(challenge_id=challenge.id, submission_id=submission.id,
                         judge_id=judge.id, created_at=clock.now(), updated_at=clock.now())
        try:
            with db.begin_nested():  # a second tab saving the same new scorecard meets the key
                db.add(card)
        except IntegrityError as exc:
            raise Conflict(N_("This scorecard was saved meanwhile; reload and try again."),
                           code="concurrent_change") from exc
    if card.state == ScorecardState.SUBMITTED:
        raise Conflict(N_("This scorecard was submitted; it can no longer change."),
                       code="scorecard_submitted")
    return card


def save(db: Session, *, challenge: Challenge, judge: User, code: str,
         body: ScorecardIn) -> ScorecardRead:
    """Save the judge's draft: the scores given replace those saved before."""
    found = _entry(db, challenge=challenge, judge=judge, code=code)
    require_scoring_open(challenge)
    scores = _scores(challenge, body)
    card = _editable_card(db, challenge=challenge, judge=judge, submission=found.submission)
    # A compare-and-set on the draft before its scores change: a submit that got there first
    # (another tab) keeps the scores it submitted, and this save is refused.
    now = clock.now()
    result = db.execute(update(Scorecard).where(Scorecard.id == card.id,
                                                Scorecard.state == ScorecardState.DRAFT)
                        .values(comment=body.comment, updated_at=now)
                        .execution_options(synchronize_session=False))
    if getattr(result, "rowcount", 0) != 1:
        raise Conflict(N_("This scorecard was submitted; it can no longer change."),
                       code="scorecard_submitted")
    set_committed_value(card, "comment", body.comment)
    set_committed_value(card, "updated_at", now)
    kept = {s.criterion_id: s for s in card.scores}
    card.scores = [_set(kept.get(cid), cid, score) for cid, score in scores.items()]
    db.flush()
    return _card_read(challenge, card)


def _set(row: CriterionScore | None, criterion_id: int, score: Decimal) -> CriterionScore:
    """The row updated in place (a new row with the same key would collide with the old one)."""
    if row is None:
        return CriterionScore(criterion_id=criterion_id, score=score)
    row.score = score
    return row


def submit(db: Session, *, challenge: Challenge, judge: User, code: str) -> ScorecardRead:
    """Submit the judge's draft for good; every criterion must be scored."""
    found = _entry(db, challenge=challenge, judge=judge, code=code)
    require_scoring_open(challenge)
    card = _card(db, judge=judge, submission=found.submission)
    if card is None:
        raise ValidationFailed(N_("Score every criterion before submitting."), fields={
            f"scores.{c.id}": N_("required") for c in challenge.criteria})
    if card.state == ScorecardState.SUBMITTED:
        raise Conflict(N_("This scorecard was already submitted."), code="scorecard_submitted")
    given = {s.criterion_id for s in card.scores}
    missing = {f"scores.{c.id}": N_("required") for c in challenge.criteria if c.id not in given}
    if missing:
        raise ValidationFailed(N_("Score every criterion before submitting."), fields=missing)
    now = clock.now()
    # Only a draft becomes submitted: two submits at once change it once.
    result = db.execute(update(Scorecard).where(Scorecard.id == card.id,
                                                Scorecard.state == ScorecardState.DRAFT)
                        .values(state=ScorecardState.SUBMITTED, submitted_at=now, updated_at=now)
                        .execution_options(synchronize_session=False))
    if getattr(result, "rowcount", 0) != 1:
        raise Conflict(N_("This scorecard was already submitted."), code="scorecard_submitted")
    db.refresh(card)
    return _card_read(challenge, card)


def recuse(db: Session, *, challenge: Challenge, judge: User, code: str) -> None:
    """Declare a conflict of interest: the entry leaves the judge's list and the results, and
    their draft for it is deleted. Not possible once their scorecard was submitted."""
    found = _entry(db, challenge=challenge, judge=judge, code=code)
    require_scoring_open(challenge)
    card = _card(db, judge=judge, submission=found.submission)
    if card is not None and card.state == ScorecardState.SUBMITTED:
        raise Conflict(N_("You submitted a scorecard for this entry; it stays counted."),
                       code="scorecard_submitted")
    if card is not None:
        # Only a draft goes (a compare-and-set): one submitted meanwhile stays counted.
        result = db.execute(delete(Scorecard).where(Scorecard.id == card.id,
                                                    Scorecard.state == ScorecardState.DRAFT)
                            .execution_options(synchronize_session=False))
        if getattr(result, "rowcount", 0) != 1:
            raise Conflict(N_("You submitted a scorecard for this entry; it stays counted."),
                           code="scorecard_submitted")
        db.expunge(card)
    try:
        with db.begin_nested():
            db.add(Recusal(challenge_id=challenge.id, submission_id=found.submission.id,
                           judge_id=judge.id, created_at=clock.now()))
    except IntegrityError as exc:
        raise Conflict(N_("You recused yourself from this entry already."),
                       code="already_recused") from exc
    db.flush()
