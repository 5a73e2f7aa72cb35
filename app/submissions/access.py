"""Who enters with a registration, who may see an entry, and when it may change.

OWASP ASVS 8.2.1/8.2.2 (no IDOR), enforced here and never in templates: the entrants of a
registration (the person who registered, or every current member of the registered team) see
and change their entry; the challenge's owner and the admins see submitted entries only, never
drafts; everyone else is told the entry does not exist (404), as for a hidden challenge.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from app.accounts.models import User
from app.challenges import clock, deadlines
from app.challenges import service as challenges_service
from app.challenges.access import is_manager
from app.challenges.enums import ChallengeState
from app.challenges.models import Challenge, ChallengeRegistration
from app.errors import Conflict, Forbidden, NotFound
from app.i18n.translate import N_
from app.submissions.models import Submission, SubmissionState
from app.teams import service as teams_service
from app.teams.models import Team, TeamMember

NO_ENTRY = N_("No such entry.")


@dataclass(frozen=True)
class Entry:
    """A submission with its challenge and registration, and how the viewer relates to it."""

    submission: Submission
    challenge: Challenge
    registration: ChallengeRegistration
    as_entrant: bool  # False: a manager looking at a submitted entry


def entrant_ids(db: Session, *, registration: ChallengeRegistration) -> set[int]:
    """The users who enter with this registration."""
    if registration.team_id is not None:
        return teams_service.member_ids(db, team_id=registration.team_id)
    return {registration.user_id}


def registration_for(db: Session, *, challenge: Challenge,
                     user: User) -> ChallengeRegistration | None:
    """The registration `user` enters `challenge` with: their own, else one of their teams'."""
    # TeamMember is read directly (in a subquery) so this stays one query per lookup.
    my_teams = select(TeamMember.team_id).where(TeamMember.user_id == user.id)
    mine = and_(ChallengeRegistration.team_id.is_(None), ChallengeRegistration.user_id == user.id)
    return db.scalars(
        select(ChallengeRegistration)
        .where(ChallengeRegistration.challenge_id == challenge.id,
               or_(mine, ChallengeRegistration.team_id.in_(my_teams)))
        .order_by(ChallengeRegistration.team_id.is_not(None), ChallengeRegistration.id)
    ).first()


def entrant_names(db: Session, registrations: list[ChallengeRegistration]) -> dict[int, str]:
    """registration id -> the team's name, or the registered person's display name."""
    team_ids = {r.team_id for r in registrations if r.team_id is not None}
    user_ids = {r.user_id for r in registrations if r.team_id is None}
    teams: dict[int, str] = {}
    people: dict[int, str] = {}
    if team_ids:
        teams = dict(db.execute(select(Team.id, Team.name)
                                .where(Team.id.in_(team_ids))).all())
    if user_ids:
        people = dict(db.execute(select(User.id, User.display_name)
                                 .where(User.id.in_(user_ids))).all())
    return {r.id: (teams.get(r.team_id, "a team") if r.team_id is not None
                   else people.get(r.user_id, "a solver")) for r in registrations}


def team_name(db: Session, registration: ChallengeRegistration) -> str | None:
    if registration.team_id is None:
        return None
    team = db.get(Team, registration.team_id)
    return team.name if team else None


def load(db: Session, *, submission_id: int, user: User, for_update: bool = False) -> Entry:
    """An entry the user may see (404 otherwise), its challenge's state brought up to date.

    `for_update` locks the entry's row (PostgreSQL) so that two changes to one entry, e.g. an
    upload and a submit, happen one after the other.
    """
    submission = db.get(Submission, submission_id, with_for_update=for_update,
                         populate_existing=for_update)
    if submission is None:
        raise NotFound(NO_ENTRY)
    try:
        challenge = challenges_service.get(db, challenge_id=submission.challenge_id, viewer=user)
    except NotFound:
        raise NotFound(NO_ENTRY) from None
    registration = db.get(ChallengeRegistration, submission.registration_id)
    if registration is None:
        raise NotFound(NO_ENTRY)
    if user.id in entrant_ids(db, registration=registration):
        return Entry(submission, challenge, registration, as_entrant=True)
    if is_manager(challenge, user) and submission.state == SubmissionState.SUBMITTED:
        return Entry(submission, challenge, registration, as_entrant=False)
    raise NotFound(NO_ENTRY)


def load_for_entrant(db: Session, *, submission_id: int, user: User) -> Entry:
    """An entry the user enters with, locked for a change (403 for a manager who only sees it)."""
    entry = load(db, submission_id=submission_id, user=user, for_update=True)
    if not entry.as_entrant:
        raise Forbidden(N_("Only the entrants change an entry."), code="not_entrant")
    return entry


def is_open_for_entries(challenge: Challenge) -> bool:
    return deadlines.submissions_open(challenge, clock.now())


def check_open(challenge: Challenge) -> None:
    """Entries are made and changed while the challenge is open, before submissions close."""
    if is_open_for_entries(challenge):
        return
    if challenge.state in (ChallengeState.PUBLISHED, ChallengeState.IN_REVIEW,
                           ChallengeState.DRAFT):
        raise Conflict(N_("Entries can be made once the challenge is open."), code="not_open",
                       fields={"state": challenge.state.value})
    raise Conflict(N_("Submissions are closed for this challenge."), code="submissions_closed",
                   fields={"state": challenge.state.value})


def hold_draft(db: Session, submission: Submission, *, at: dt.datetime) -> None:
    """Before a draft changes (its title, summary or files): a compare-and-set on its state,
    refused (409) if it was submitted meanwhile (by a team mate, or in another tab), so a
    submitted entry never changes under its receipt. Its row is held to the commit."""
    result = db.execute(update(Submission).where(Submission.id == submission.id,
                                                 Submission.state == SubmissionState.DRAFT)
                        .values(updated_at=at).execution_options(synchronize_session=False))
    if getattr(result, "rowcount", 0) != 1:
        raise Conflict(N_("This entry has been submitted; reopen it to change it."),
                       code="already_submitted")
    set_committed_value(submission, "updated_at", at)


def move(db: Session, submission: Submission, *, expected: SubmissionState,
         to: SubmissionState, at: dt.datetime) -> bool:
    """Submit or reopen the entry only if it is still `expected` (a compare-and-set, so two
    requests at once change it once); False when another one changed it first."""
    submitted_at = at if to == SubmissionState.SUBMITTED else None
    result = db.execute(update(Submission).where(Submission.id == submission.id,
                                                 Submission.state == expected)
                        .values(state=to, submitted_at=submitted_at, updated_at=at)
                        .execution_options(synchronize_session=False))
    if getattr(result, "rowcount", 0) != 1:
        return False
    for name, value in (("state", to), ("submitted_at", submitted_at), ("updated_at", at)):
        set_committed_value(submission, name, value)
    return True


def check_editable(entry: Entry) -> None:
    """A draft of an open challenge: its title, summary and files may change."""
    check_open(entry.challenge)
    if entry.submission.state == SubmissionState.SUBMITTED:
        raise Conflict(N_("This entry has been submitted; reopen it to change it."),
                       code="already_submitted")
