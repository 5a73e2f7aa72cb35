"""What the people taking part do along a challenge's way that reaches across domains:
registering (never while on the challenge's panel or in a team with one of its judges), joining
a team (likewise), withdrawing a registration (and its unsubmitted entry), attesting an outcome
(open during verification, and again for one entry while an appeal against it is open), filing
and deciding an appeal against the proposed awards (upheld: the awards are recomputed)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.audit import service as audit
from app.awards import appeals
from app.awards import service as awards
from app.awards.schemas import AppealDecisionIn, AppealIn, AppealRead
from app.challenges import lifecycle, registrations, team_entries
from app.challenges import service as challenges_service
from app.challenges.enums import ChallengeState
from app.challenges.models import Challenge, ChallengeRegistration
from app.challenges.schemas import RegistrationIn
from app.judging import panel
from app.submissions import service as submissions
from app.teams import invitations as team_invitations
from app.teams.models import Team
from app.verification import service as verification
from app.verification.access import Seat
from app.verification.outcomes import ShortlistedEntry
from app.verification.schemas import AttestationIn
from app.workflow import notices
from app.workflow.standings import shortlist


def register(db: Session, *, challenge: Challenge, user: User,
             body: RegistrationIn) -> ChallengeRegistration:
    """Register for an open challenge, unless the registrant (or a team member, or anyone
    sharing a team with them) sits on its judging panel. The challenge is held meanwhile, so
    that a judge is not added to the panel at the same moment (`panel.assign` holds it too)."""
    if challenge.state == ChallengeState.OPEN:
        lifecycle.hold(db, challenge=challenge, states={ChallengeState.OPEN})
    return registrations.register(db, challenge=challenge, user=user, body=body,
                                  judges=panel.judge_ids(db, challenge=challenge))


def join_team(db: Session, *, invitation_id: int, user: User) -> Team:
    """Accept an invitation to a team, unless it would seat a judge beside an entrant of a
    challenge they judge (either way round); the team's entries' own rules apply too."""
    invitation = team_invitations.invitation_for_invitee(db, invitation_id=invitation_id,
                                                         user=user)
    team = db.get(Team, invitation.team_id)
    assert team is not None  # an invitation is deleted with its team
    panel.check_joining(db, team=team, user=user)
    return team_entries.accept(db, invitation_id=invitation_id, user=user)


def withdraw_registration(db: Session, *, challenge: Challenge, user: User) -> None:
    """While the challenge is open; an entry never submitted goes with it, a submitted one
    keeps the registration (its receipts are kept for good)."""
    registration = registrations.withdrawable(db, challenge=challenge, user=user)
    submissions.discard_unsubmitted_entry(db, registration)
    registrations.remove(db, registration=registration)


def attest(db: Session, *, seat: Seat, user: User, submission_id: int, target_key: str,
           body: AttestationIn) -> ShortlistedEntry:
    """A verifier (`seat` from `verification.access.as_verifier`) attests one target."""
    reopened = appeals.open_for_entry(db, challenge=seat.challenge, submission_id=submission_id)
    # A compare-and-set on what lets the verifier attest, held to the commit: the appeal still
    # open (its decision, which recomputes the awards, comes after this attestation or refuses
    # it), or the challenge still in verification (proposing awards likewise). Two verifiers
    # attesting one entry at once take turns on it, on SQLite too.
    if reopened:
        appeals.hold_open(db, submission_id=submission_id)
    elif seat.challenge.state == ChallengeState.VERIFICATION:
        lifecycle.hold(db, challenge=seat.challenge, states={ChallengeState.VERIFICATION})
    return verification.attest(db, seat=seat, user=user, submission_id=submission_id,
                               target_key=target_key, body=body,
                               shortlist=shortlist(db, seat.challenge), reopened=reopened)


def attesting_reopened(db: Session, *, challenge: Challenge, submission_id: int) -> bool:
    """Verifiers may still correct this entry's outcomes (an appeal against it is open)."""
    return appeals.open_for_entry(db, challenge=challenge, submission_id=submission_id)


def file_appeal(db: Session, *, challenge_id: int, user: User, body: AppealIn) -> AppealRead:
    challenge, _, mine = awards.visible(db, challenge_id=challenge_id, user=user)
    return appeals.file(db, challenge=challenge, mine=mine, user=user, body=body,
                        shortlisted=shortlist(db, challenge).keys())


def decide_appeal(db: Session, *, appeal_id: int, admin: User,
                  body: AppealDecisionIn) -> AppealRead:
    """Uphold (the awards are recomputed from the outcomes as they now are) or dismiss; the
    appellants, and the entrants whose award changed, are told."""
    appeal = appeals.open_appeal(db, appeal_id=appeal_id)
    challenge = challenges_service.get(db, challenge_id=appeal.challenge_id, viewer=admin)
    # The decision is a compare-and-set on the open appeal, taken first: of two decisions at
    # once only one goes on to recompute the awards.
    decided = appeals.record_decision(db, appeal=appeal, admin=admin, body=body)
    changed: dict[int, tuple[int, int]] = {}
    if body.outcome == "upheld":
        changed = awards.recompute(db, challenge=challenge,
                                   shortlist=shortlist(db, challenge).values(),
                                   actor_id=admin.id)
        audit.record(db, event="awards.recomputed", actor_id=admin.id,
                     challenge_id=challenge.id, appeal_id=appeal.id,
                     changed={str(k): list(v) for k, v in changed.items()})
    notices.appeal_decided(db, challenge, appeal, changed)
    return decided
