"""Request and response models for teams and invitations."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from app.kit.schemas import IdValue, InputModel
from app.teams.models import InvitationState, TeamRole

TeamName = Field(min_length=1, max_length=120, description="1 to 120 characters, trimmed")


class TeamCreate(InputModel):
    name: str = TeamName


class TeamUpdate(InputModel):
    name: str = TeamName


class InvitationCreate(InputModel):
    email: str = Field(min_length=3, max_length=320,
                       description="the invitee's address (kept lower-case); the answer is the "
                                   "same whether or not an account has it")


class HandOver(InputModel):
    member_id: IdValue = Field(description="the member (their user id) who becomes the lead")


class MemberRead(BaseModel):
    user_id: int
    display_name: str
    country_code: str | None
    role: TeamRole
    joined_at: dt.datetime
    profile_hidden: bool = Field(False, description="the name was hidden by moderators "
                                 "(`display_name` is then empty)")


class InvitationRead(BaseModel):
    """An invitation as the team sees it."""

    id: int
    team_id: int
    email: str
    state: InvitationState
    created_at: dt.datetime


class EntryRead(BaseModel):
    """A challenge the team is registered for."""

    challenge_id: int
    title: str
    registered_at: dt.datetime
    url: str


class TeamSummary(BaseModel):
    id: int
    name: str
    my_role: TeamRole | None = Field(description="null for an admin who is not a member")
    member_count: int
    url: str
    name_hidden: bool = Field(False, description="the name was hidden by moderators (`name` "
                              "is then empty)")


class TeamRead(TeamSummary):
    created_at: dt.datetime
    members: list[MemberRead]
    pending_invitations: list[InvitationRead]
    entries: list[EntryRead]


class MyInvitationRead(BaseModel):
    """An invitation waiting for your answer."""

    id: int
    team_id: int
    team_name: str
    invited_by: str | None = Field(description="the name of who invited you")
    created_at: dt.datetime
