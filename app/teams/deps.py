"""Loaders for the teams' routes and pages: the team in the path, for one of its members."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from app.accounts.deps import CurrentUser
from app.kit.schemas import ObjectId
from app.kit.unit_of_work import SessionDep
from app.teams import service
from app.teams.models import Team


def member_team(team_id: ObjectId, user: CurrentUser, db: SessionDep) -> Team:
    return service.get(db, team_id=team_id, viewer=user)


# The team `{team_id}` if the signed-in user is in it (404 for everyone else; admins see all).
MemberTeam = Annotated[Team, Depends(member_team)]
