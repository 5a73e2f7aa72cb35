"""Teams: forming one, inviting solvers by email, answering invitations, leaving."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.teams.models import TeamMember


def member_ids(db: Session, *, team_id: int) -> set[int]:
    """The user ids of the team's current members (lead included)."""
    return set(db.scalars(select(TeamMember.user_id).where(TeamMember.team_id == team_id)))
