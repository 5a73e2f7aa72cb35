"""Outcome verification: verifiers attest the measured outcomes of the entries judging
shortlisted (the eligible ones in the results), and everyone with a seat follows each entry's
status. The prize rules pay only for what is attested here.

Field-level rules: verification takes entries only from judging's eligible results (no judge
score leaves `judging.results`, only the rank); a verifier who enters the challenge with an entry
never attests that entry; attestations change only while the challenge is in verification and
before its `verification_closes_at`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.challenges import clock, deadlines
from app.challenges.enums import ChallengeState
from app.challenges.models import Challenge, ChallengeRegistration
from app.errors import Conflict, Forbidden, NotFound
from app.history import service as history
from app.i18n.translate import N_, translatable
from app.judging import results as judging_results
from app.judging.results import RankedEntry
from app.notifications import service as notifications
from app.submissions import access as submissions_access
from app.submissions.models import Submission
from app.verification import outcomes
from app.verification.access import Seat
from app.verification.models import OutcomeAttestation
from app.verification.outcomes import ShortlistedEntry
from app.verification.schemas import (
    AttestationIn,
    EntryOutcomeRead,
    VerificationQueueRead,
    VerificationRead,
)

ENTITY = "outcome_attestation"
Shortlist = Mapping[int, ShortlistedEntry]  # submission id -> entry, in judging's order


def verification_url(challenge: Challenge) -> str:
    return f"/challenges/{challenge.id}/verification"


def _targets(challenge: Challenge) -> list[outcomes.Target]:
    return [outcomes.Target(t.key, t.direction, t.threshold, t.required)
            for t in challenge.targets]


def _attestations(db: Session, challenge: Challenge, submission_ids: Iterable[int]
                  ) -> dict[tuple[int, int], OutcomeAttestation]:
    ids = list(submission_ids)
    if not ids:
        return {}
    return {(a.submission_id, a.target_id): a for a in db.scalars(
        select(OutcomeAttestation).where(OutcomeAttestation.challenge_id == challenge.id,
                                         OutcomeAttestation.submission_id.in_(ids)))}


def _verifier_names(db: Session, found: Iterable[OutcomeAttestation]) -> dict[int, str]:
    ids = {a.verifier_id for a in found if a.verifier_id is not None}
    return dict(db.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all()) \
        if ids else {}


def _with_outcomes(challenge: Challenge, entry: ShortlistedEntry,
                   found: dict[tuple[int, int], OutcomeAttestation],
                   names: dict[int, str]) -> ShortlistedEntry:
    """`entry` with its targets and status as the attestations `found` say."""
    rows = []
    for target in challenge.targets:
        a = found.get((entry.submission_id, target.id))
        rows.append(outcomes.TargetRecord(
            key=target.key, metric=target.metric, unit=target.unit, direction=target.direction,
            threshold=target.threshold, required=target.required,
            verification_method=target.verification_method,
            measured_value=a.measured_value if a else None, met=a.met if a else None,
            evidence=a.evidence if a else None, evidence_url=a.evidence_url if a else None,
            verifier=names.get(a.verifier_id or 0, "a former verifier") if a else None,
            attested_at=a.attested_at if a else None))
    measured = {t.key: t.measured_value for t in rows if t.measured_value is not None}
    return replace(entry, targets=tuple(rows),
                   status=outcomes.entry_outcome(_targets(challenge), measured).status)


def _submitted(submission: Submission) -> dt.datetime:
    return submission.submitted_at or submission.created_at


def entry_outcomes(db: Session, *, challenge: Challenge,
                   ranking: Sequence[RankedEntry]) -> dict[int, ShortlistedEntry]:
    """The entries `ranking` made eligible, in its order, each with its attested outcomes."""
    eligible = [r for r in ranking if r.eligible]
    submissions = {s.id: s for s in db.scalars(select(Submission).where(
        Submission.id.in_([r.submission_id for r in eligible])))} if eligible else {}
    registrations = list(db.scalars(select(ChallengeRegistration).where(
        ChallengeRegistration.id.in_({s.registration_id for s in submissions.values()})))) \
        if submissions else []
    entrants = submissions_access.entrant_names(db, registrations)
    found = _attestations(db, challenge, submissions)
    names = _verifier_names(db, found.values())
    shortlist = {}
    # The public order the awards follow: judging's rank, and within a tie the entry submitted
    # first (never the entry code, which is a hash).
    for r in sorted(eligible, key=lambda r: (r.rank is None, r.rank or 0,
                                             _submitted(submissions[r.submission_id]),
                                             r.submission_id)):
        registration_id = submissions[r.submission_id].registration_id
        bare = ShortlistedEntry(r.submission_id, registration_id, r.title,
                                entrants.get(registration_id, "an entrant"), r.rank,
                                outcomes.OutcomeStatus.PENDING, (), r.code)
        shortlist[r.submission_id] = _with_outcomes(challenge, bare, found, names)
    return shortlist


def overview(*, seat: Seat, shortlist: Shortlist, now: dt.datetime) -> VerificationRead:
    """Every shortlisted entry (in judging's order) with its targets and attestations."""
    challenge = seat.challenge
    return VerificationRead(
        challenge_id=challenge.id, title=challenge.title, state=challenge.state,
        verification_closes_at=challenge.verification_closes_at,
        accepting=deadlines.verification_open(challenge, now),
        entries=[EntryOutcomeRead.model_validate(e, from_attributes=True)
                 for e in shortlist.values()])


def entry(*, shortlist: Shortlist, submission_id: int) -> EntryOutcomeRead:
    found = shortlist.get(submission_id)
    if found is None:
        raise NotFound(N_("No such entry on this challenge's shortlist."))
    return EntryOutcomeRead.model_validate(found, from_attributes=True)


def attest(db: Session, *, seat: Seat, user: User, submission_id: int, target_key: str,
           body: AttestationIn, shortlist: Shortlist, reopened: bool) -> ShortlistedEntry:
    """Record (or correct) the measured value of one target of one shortlisted entry, while
    verification is open or, with `reopened` (an appeal against the entry), after it."""
    challenge = seat.challenge
    if not (deadlines.verification_open(challenge, clock.now()) or reopened):
        raise Conflict(N_("Outcomes are attested while the challenge is in verification, before "
                          "verification closes, or while an appeal against the entry is open."),
                       code="verification_closed",
                       fields={"state": challenge.state.value})
    # The entry's row lock makes two attestations of one entry take turns, so the second sees
    # the first (one row per target; the status change is told once).
    submission = db.get(Submission, submission_id, with_for_update=True, populate_existing=True)
    listed = shortlist.get(submission_id)
    if submission is None or submission.challenge_id != challenge.id or listed is None:
        raise NotFound(N_("No such entry on this challenge's shortlist."))
    registration = db.get(ChallengeRegistration, submission.registration_id)
    entrants = submissions_access.entrant_ids(db, registration=registration) \
        if registration else set()
    if user.id in entrants:
        raise Forbidden(N_("You take part in this entry, so you do not verify its outcomes."),
                        code="conflict_of_interest")
    target = next((t for t in challenge.targets if t.key == target_key), None)
    if target is None:
        raise NotFound(N_("This challenge has no target with that key."))
    row = db.scalar(select(OutcomeAttestation).where(
        OutcomeAttestation.submission_id == submission_id,
        OutcomeAttestation.target_id == target.id))
    before = _with_outcomes(challenge, listed, *_found_for(db, challenge, submission_id)).status
    action = "correct" if row is not None else "attest"
    if row is None:
        row = OutcomeAttestation(challenge_id=challenge.id, submission_id=submission_id,
                                 target_id=target.id)
        db.add(row)
    row.measured_value = body.measured_value
    row.met = outcomes.is_met(target.direction, target.threshold, body.measured_value)
    row.evidence, row.evidence_url = body.evidence, body.evidence_url
    row.verifier_id, row.attested_at = user.id, clock.now()
    db.flush()
    history.record(db, entity_type=ENTITY, entity_id=row.id, action=action, actor_id=user.id,
                   snapshot={"submission_id": submission_id, "target": target.key,
                             "measured_value": str(row.measured_value), "met": row.met,
                             "evidence": row.evidence, "evidence_url": row.evidence_url})
    after = _with_outcomes(challenge, listed, *_found_for(db, challenge, submission_id))
    if after.status != before and after.status != outcomes.OutcomeStatus.PENDING:
        _tell_entrants(db, challenge, after, entrants)
    return after


def _found_for(db: Session, challenge: Challenge, submission_id: int
               ) -> tuple[dict[tuple[int, int], OutcomeAttestation], dict[int, str]]:
    found = _attestations(db, challenge, [submission_id])
    return found, _verifier_names(db, found.values())


def _tell_entrants(db: Session, challenge: Challenge, result: ShortlistedEntry,
                   entrant_ids: set[int]) -> None:
    # One whole sentence per status, so each translates whole.
    if result.status == outcomes.OutcomeStatus.VERIFIED:
        subject = translatable("Outcomes verified: %(entry)s", entry=result.title)
        body = translatable(
            "The verifiers of \"%(challenge)s\" attested the outcomes of your entry "
            "\"%(entry)s\": every required target is met. The awards are computed from these "
            "attestations.", challenge=challenge.title, entry=result.title)
    else:
        subject = translatable("Outcomes not met: %(entry)s", entry=result.title)
        body = translatable(
            "The verifiers of \"%(challenge)s\" attested the outcomes of your entry "
            "\"%(entry)s\": at least one required target is not met. The awards are computed "
            "from these attestations.", challenge=challenge.title, entry=result.title)
    notifications.queue_many(db, recipient_ids=sorted(entrant_ids), subject=subject, body=body,
                             kind="verification.outcome")


def queue(db: Session, *, user: User) -> list[VerificationQueueRead]:
    """The challenges in verification, each with how far its shortlist has got."""
    items = []
    for challenge in db.scalars(select(Challenge).where(
            Challenge.state == ChallengeState.VERIFICATION)
            .order_by(Challenge.verification_closes_at, Challenge.id)):
        if challenge.owner_id == user.id:
            continue
        statuses = [e.status for e in entry_outcomes(
            db, challenge=challenge, ranking=judging_results.ranking(db, challenge=challenge)
        ).values()]
        items.append(VerificationQueueRead(
            challenge_id=challenge.id, title=challenge.title,
            verification_closes_at=challenge.verification_closes_at, entries=len(statuses),
            verified=statuses.count(outcomes.OutcomeStatus.VERIFIED),
            not_met=statuses.count(outcomes.OutcomeStatus.NOT_MET),
            pending=statuses.count(outcomes.OutcomeStatus.PENDING)))
    return items
