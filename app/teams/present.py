"""Teams and invitations as the API answers them and the pages show them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.teams import invitations
from app.teams import service as teams
from app.teams.models import Team, TeamInvitation, TeamRole
from app.teams.schemas import (
    EntryRead,
    InvitationRead,
    MemberRead,
    MyInvitationRead,
    TeamRead,
    TeamSummary,
)


def summary(team: Team, viewer: User) -> TeamSummary:
    member = teams.membership(team, viewer.id)
    # A name moderators hid is not shown, to the team either, until they restore it.
    hidden = team.name_hidden_at is not None
    return TeamSummary(id=team.id, name="" if hidden else team.name,
                       my_role=member.role if member else None, member_count=len(team.members),
                       url=f"/teams/{team.id}", name_hidden=hidden)


def invitation(item: TeamInvitation) -> InvitationRead:
    return InvitationRead(id=item.id, team_id=item.team_id, email=item.email, state=item.state,
                          created_at=item.created_at)


def team(db: Session, team: Team, viewer: User, entries: list[EntryRead]) -> TeamRead:
    """The whole team: members (lead first), invitations waiting for an answer, entries."""
    people = teams.people(db, team=team)
    members = sorted(team.members, key=lambda m: (m.role != TeamRole.LEAD, m.joined_at))
    return TeamRead(
        **summary(team, viewer).model_dump(), created_at=team.created_at,
        members=[MemberRead(user_id=m.user_id,
                            display_name="" if people[m.user_id].profile_hidden_at
                            else people[m.user_id].display_name,
                            country_code=people[m.user_id].country_code, role=m.role,
                            joined_at=m.joined_at,
                            profile_hidden=people[m.user_id].profile_hidden_at is not None)
                 for m in members],
        pending_invitations=[invitation(i)
                             for i in invitations.pending_of_team(db, team_id=team.id)],
        entries=entries)


def my_invitations(db: Session, rows: list[tuple[TeamInvitation, Team]]
                   ) -> list[MyInvitationRead]:
    inviter_ids = {i.invited_by_id for i, _ in rows if i.invited_by_id is not None}
    names: dict[int, str] = dict(db.execute(
        select(User.id, User.display_name).where(User.id.in_(inviter_ids))).all())
    return [MyInvitationRead(id=i.id, team_id=t.id, team_name=t.name,
                             invited_by=names.get(i.invited_by_id or 0), created_at=i.created_at)
            for i, t in rows]
