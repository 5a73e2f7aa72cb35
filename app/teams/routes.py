"""JSON API for teams: form one, invite, answer invitations, hand over, leave, dissolve.

A team is visible to its members and admins only (404 for anyone else); an invitation to its
invitee only. Changes that touch a team's challenge entries go through
`app.challenges.team_entries`.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app import workflow
from app.accounts.deps import CurrentUser
from app.challenges import team_entries
from app.kit.openapi import error_responses
from app.kit.routing import APIRouter
from app.kit.schemas import Limit, ObjectId, Offset, Page
from app.kit.unit_of_work import SessionDep
from app.teams import invitations, present
from app.teams import service as teams
from app.teams.deps import MemberTeam
from app.teams.schemas import (
    HandOver,
    InvitationCreate,
    InvitationRead,
    MyInvitationRead,
    TeamCreate,
    TeamRead,
    TeamSummary,
    TeamUpdate,
)

router = APIRouter(prefix="/api/v1", tags=["teams"])


def _read(db: Session, team_id: int, user: CurrentUser) -> TeamRead:
    team = teams.get(db, team_id=team_id, viewer=user)
    return present.team(db, team, user, team_entries.entry_reads(db, team_id=team.id))


@router.get("/teams", response_model=Page[TeamSummary])
def my_teams(user: CurrentUser, db: SessionDep, limit: Limit = 50, offset: Offset = 0) -> object:
    """The teams you are a member of."""
    items, total = teams.teams_of(db, user=user, limit=limit, offset=offset)
    return Page(items=[present.summary(t, user) for t in items], total=total, limit=limit,
                offset=offset)


@router.post("/teams", response_model=TeamRead, status_code=201)
def create(body: TeamCreate, user: CurrentUser, db: SessionDep) -> object:
    """Form a team; you become its lead."""
    team = teams.create(db, user=user, name=body.name)
    return present.team(db, team, user, [])


@router.get("/teams/{team_id}", response_model=TeamRead)
def get(team_id: ObjectId, user: CurrentUser, db: SessionDep) -> object:
    """Members, invitations waiting for an answer, and the challenges the team entered."""
    return _read(db, team_id, user)


@router.patch("/teams/{team_id}", response_model=TeamRead, responses=error_responses(403))
def rename(team_id: ObjectId, body: TeamUpdate, user: CurrentUser, team: MemberTeam,
           db: SessionDep) -> object:
    """The lead renames the team (its entries in open challenges follow)."""
    team_entries.rename(db, team=team, user=user, name=body.name)
    return _read(db, team_id, user)


@router.delete("/teams/{team_id}", status_code=204, responses=error_responses(403, 409))
def dissolve(user: CurrentUser, team: MemberTeam, db: SessionDep) -> None:
    """The lead, alone in the team, dissolves it (not once it entered a challenge)."""
    team_entries.dissolve(db, team=team, user=user)


@router.post("/teams/{team_id}/invitations", response_model=InvitationRead, status_code=201,
             responses=error_responses(403, 409, 429))
def invite(body: InvitationCreate, user: CurrentUser, team: MemberTeam,
           db: SessionDep) -> object:
    """The lead invites an email address. The answer is the same whether or not an account
    has it; that account is told in its inbox."""
    return present.invitation(invitations.invite(db, team=team, user=user, email=body.email))


@router.delete("/teams/{team_id}/invitations/{invitation_id}", status_code=204,
               responses=error_responses(403, 409))
def revoke(invitation_id: ObjectId, user: CurrentUser, team: MemberTeam,
           db: SessionDep) -> None:
    """The lead withdraws an invitation that has not been answered."""
    invitations.revoke(db, team=team, user=user, invitation_id=invitation_id)


@router.delete("/teams/{team_id}/members/{user_id}", status_code=204,
               responses=error_responses(403, 409))
def remove_member(user_id: ObjectId, user: CurrentUser, team: MemberTeam,
                  db: SessionDep) -> None:
    """The lead removes a member; your own id: you leave (a lead hands over first)."""
    team_entries.remove_member(db, team=team, user=user, member_id=user_id)


@router.post("/teams/{team_id}/lead", response_model=TeamRead, responses=error_responses(403))
def hand_over(team_id: ObjectId, body: HandOver, user: CurrentUser, team: MemberTeam,
              db: SessionDep) -> object:
    """The lead hands the lead to another member and stays on as a member."""
    team_entries.hand_over(db, team=team, user=user, new_lead_id=body.member_id)
    return _read(db, team_id, user)


@router.get("/me/invitations", response_model=Page[MyInvitationRead])
def my_invitations(user: CurrentUser, db: SessionDep, limit: Limit = 50,
                   offset: Offset = 0) -> object:
    """Invitations to your account's address that wait for your answer."""
    rows, total = invitations.for_invitee(db, user=user, limit=limit, offset=offset)
    return Page(items=present.my_invitations(db, rows), total=total, limit=limit, offset=offset)


@router.post("/invitations/{invitation_id}/accept", response_model=TeamRead,
             responses=error_responses(409))
def accept(invitation_id: ObjectId, user: CurrentUser, db: SessionDep) -> object:
    """Join the team (409 when the team's entry in an open challenge would not allow it, or
    when it would put a judge in a team with an entrant of a challenge they judge)."""
    team = workflow.join_team(db, invitation_id=invitation_id, user=user)
    return _read(db, team.id, user)


@router.post("/invitations/{invitation_id}/decline", status_code=204,
             responses=error_responses(409))
def decline(invitation_id: ObjectId, user: CurrentUser,
            db: SessionDep) -> None:
    item = invitations.invitation_for_invitee(db, invitation_id=invitation_id, user=user)
    invitations.decline(db, invitation=item, user=user)
