"""Outcome verification: verifiers attest the measured outcomes of the entries judging
shortlisted (the eligible ones in the results), and everyone with a seat follows each entry's
status. The prize rules pay only for what is attested here.

Field-level rules: verification takes entries only from judging's eligible results (no judge
score leaves `judging.results`, only the rank); a verifier who enters the challenge with an entry
never attests that entry; attestations change only while the challenge is in verification and
before its `verification_closes_at`.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import Role, User, UserRole
from app.challenges import clock, lifecycle
from app.challenges.enums import ChallengeState
from app.challenges.models import Challenge, ChallengeRegistration
from app.config import get_settings
from app.errors import Conflict, Forbidden, NotFound
from app.history import service as history
from app.i18n.translate import N_, translatable
from app.judging import results as judging_results
from app.judging.schemas import ResultRead
from app.notifications import service as notifications
from app.submissions import access as submissions_access
from app.submissions.models import Submission
from app.verification import outcomes
from app.verification.access import Seat, accepting
from app.verification.models import OutcomeAttestation
from app.verification.schemas import (
    AttestationIn,
    EntryOutcomeRead,
    TargetOutcomeRead,
    VerificationQueueRead,
    VerificationRead,
)

ENTITY = "outcome_attestation"
# Other domains may reopen one entry's attestations after verification closed (awards: while an
# appeal against the entry is open): (db, challenge, submission id) -> reopened.
REOPENED_BY: list[Callable[[Session, Challenge, int], bool]] = []


def accepting_for(db: Session, challenge: Challenge, submission_id: int) -> bool:
    """Verifiers may attest this entry's outcomes now."""
    return accepting(challenge) or any(reopened(db, challenge, submission_id)
                                       for reopened in REOPENED_BY)


def verification_url(challenge: Challenge) -> str:
    return f"/challenges/{challenge.id}/verification"


def _shortlist(db: Session, challenge: Challenge) -> list[ResultRead]:
    return [r for r in judging_results.ranked(db, challenge=challenge) if r.eligible]


def _targets(challenge: Challenge) -> list[outcomes.Target]:
    return [outcomes.Target(t.key, t.direction, t.threshold, t.required)
            for t in challenge.targets]


def _attestations(db: Session, challenge: Challenge
                  ) -> dict[tuple[int, int], OutcomeAttestation]:
    return {(a.submission_id, a.target_id): a for a in db.scalars(
        select(OutcomeAttestation).where(OutcomeAttestation.challenge_id == challenge.id))}


def _entry_read(challenge: Challenge, result: ResultRead, entrant: str,
                found: dict[tuple[int, int], OutcomeAttestation],
                names: dict[int, str]) -> EntryOutcomeRead:
    rows = []
    measured = {}
    for target in challenge.targets:
        a = found.get((result.submission_id, target.id))
        if a is not None:
            measured[target.key] = a.measured_value
        rows.append(TargetOutcomeRead(
            key=target.key, metric=target.metric, unit=target.unit, direction=target.direction,
            threshold=target.threshold, required=target.required,
            verification_method=target.verification_method,
            measured_value=a.measured_value if a else None, met=a.met if a else None,
            evidence=a.evidence if a else None, evidence_url=a.evidence_url if a else None,
            verifier=names.get(a.verifier_id or 0, "a former verifier") if a else None,
            attested_at=a.attested_at if a else None))
    status = outcomes.entry_outcome(_targets(challenge), measured).status
    return EntryOutcomeRead(submission_id=result.submission_id, title=result.title,
                            entrant=entrant, judging_rank=result.rank, status=status,
                            targets=rows)


def overview(db: Session, *, seat: Seat) -> VerificationRead:
    """Every shortlisted entry (in judging's order) with its targets and attestations."""
    challenge = seat.challenge
    shortlist = _shortlist(db, challenge)
    found = _attestations(db, challenge)
    verifier_ids = {a.verifier_id for a in found.values() if a.verifier_id is not None}
    names = dict(db.execute(select(User.id, User.display_name)
                            .where(User.id.in_(verifier_ids))).all()) if verifier_ids else {}
    submissions = {s.id: s for s in db.scalars(select(Submission).where(
        Submission.id.in_([r.submission_id for r in shortlist])))} if shortlist else {}
    registrations = list(db.scalars(select(ChallengeRegistration).where(
        ChallengeRegistration.id.in_({s.registration_id for s in submissions.values()})))) \
        if submissions else []
    entrants = submissions_access.entrant_names(db, registrations)
    entries = [_entry_read(challenge, r, entrants.get(
        submissions[r.submission_id].registration_id, "an entrant"), found, names)
        for r in shortlist]
    return VerificationRead(challenge_id=challenge.id, title=challenge.title,
                            state=challenge.state,
                            verification_closes_at=challenge.verification_closes_at,
                            accepting=accepting(challenge), entries=entries)


def entry(db: Session, *, seat: Seat, submission_id: int) -> EntryOutcomeRead:
    for found in overview(db, seat=seat).entries:
        if found.submission_id == submission_id:
            return found
    raise NotFound(N_("No such entry on this challenge's shortlist."))


def attest(db: Session, *, seat: Seat, user: User, submission_id: int, target_key: str,
           body: AttestationIn) -> EntryOutcomeRead:
    """Record (or correct) the measured value of one target of one shortlisted entry."""
    challenge = seat.challenge
    if not accepting_for(db, challenge, submission_id):
        raise Conflict(N_("Outcomes are attested while the challenge is in verification, before "
                          "verification closes, or while an appeal against the entry is open."),
                       code="verification_closed",
                       fields={"state": challenge.state.value})
    # The entry's row lock makes two attestations of one entry take turns, so the second sees
    # the first (one row per target; the status change is told once).
    submission = db.get(Submission, submission_id, with_for_update=True, populate_existing=True)
    if submission is None or submission.challenge_id != challenge.id or submission_id not in {
            r.submission_id for r in _shortlist(db, challenge)}:
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
    before = entry(db, seat=seat, submission_id=submission_id).status
    row = db.scalar(select(OutcomeAttestation).where(
        OutcomeAttestation.submission_id == submission_id,
        OutcomeAttestation.target_id == target.id))
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
    after = entry(db, seat=seat, submission_id=submission_id)
    if after.status != before and after.status != outcomes.OutcomeStatus.PENDING:
        _tell_entrants(db, challenge, after, entrants)
    return after


def _tell_entrants(db: Session, challenge: Challenge, result: EntryOutcomeRead,
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
        statuses = [e.status for e in overview(
            db, seat=Seat(challenge, manager=False, verifier=True)).entries]
        items.append(VerificationQueueRead(
            challenge_id=challenge.id, title=challenge.title,
            verification_closes_at=challenge.verification_closes_at, entries=len(statuses),
            verified=statuses.count(outcomes.OutcomeStatus.VERIFIED),
            not_met=statuses.count(outcomes.OutcomeStatus.NOT_MET),
            pending=statuses.count(outcomes.OutcomeStatus.PENDING)))
    return items


def _tell_verifiers(db: Session, challenge: Challenge, action: str, actor: User) -> None:
    if action != "start-verification":
        return
    verifiers = db.scalars(select(User.id).join(UserRole, UserRole.user_id == User.id).where(
        UserRole.role == Role.VERIFIER, User.is_active.is_(True),
        User.id != challenge.owner_id))
    shortlisted = len(_shortlist(db, challenge))
    url = f"{get_settings().base_url}{verification_url(challenge)}"
    if shortlisted == 1:
        body = translatable("Judging of \"%(challenge)s\" is over and %(count)s entry passed "
                            "it. Their outcomes wait for your attestation.\n\n%(url)s",
                            challenge=challenge.title, count=shortlisted, url=url)
    else:
        body = translatable("Judging of \"%(challenge)s\" is over and %(count)s entries passed "
                            "it. Their outcomes wait for your attestation.\n\n%(url)s",
                            challenge=challenge.title, count=shortlisted, url=url)
    notifications.queue_many(
        db, recipient_ids=list(verifiers),
        subject=translatable("Outcomes to verify: %(challenge)s", challenge=challenge.title),
        body=body, kind="verification.started")


if _tell_verifiers not in lifecycle.AFTER_ACTION:
    lifecycle.AFTER_ACTION.append(_tell_verifiers)
