"""Arrange teams through the services: form one, invite, accept."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.challenges import team_entries
from app.teams import invitations
from app.teams import service as teams
from app.teams.models import Team, TeamInvitation

_seq = itertools.count(1)


def make_team(db: Session, lead: User, *, name: str | None = None,
              members: Iterable[User] = ()) -> Team:
    """A team led by `lead`; each of `members` was invited and accepted."""
    team = teams.create(db, user=lead, name=name or f"Team {next(_seq)}")
    for member in members:
        join(db, team, lead, member)
    db.commit()
    return team


def invite(db: Session, team: Team, lead: User, email: str) -> TeamInvitation:
    invitation = invitations.invite(db, team=team, user=lead, email=email)
    db.commit()
    return invitation


def join(db: Session, team: Team, lead: User, user: User) -> Team:
    """`lead` invites `user`'s address and `user` accepts (the challenge entry rules apply)."""
    invitation = invitations.invite(db, team=team, user=lead, email=user.email or "")
    joined = team_entries.accept(db, invitation_id=invitation.id, user=user)
    db.commit()
    return joined
