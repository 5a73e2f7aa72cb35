"""Teams of solvers: a lead who formed it, members who accepted an invitation."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, done_by, owned_by, parts, str_enum, utcnow


class TeamRole(enum.StrEnum):
    LEAD = "lead"
    MEMBER = "member"


class InvitationState(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    REVOKED = "revoked"


class Team(Base):
    """A team of solvers that can enter challenges as one entrant."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    created_by_id: Mapped[int | None] = done_by("users.id")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Set by moderators (app/moderation): the name is not shown until it is restored.
    name_hidden_at: Mapped[dt.datetime | None]

    members: Mapped[list[TeamMember]] = parts("TeamMember.joined_at")


class TeamMember(Base):
    __tablename__ = "team_members"

    team_id: Mapped[int] = owned_by("teams.id", primary_key=True)
    user_id: Mapped[int] = owned_by("users.id", primary_key=True, index=True)
    role: Mapped[TeamRole] = mapped_column(str_enum(TeamRole, "team_role"))
    joined_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class TeamInvitation(Base):
    """An invitation to the account holding `email` (kept lower-case).

    At most one invitation per team and address is pending at a time (a partial unique index).
    """

    __tablename__ = "team_invitations"
    __table_args__ = (
        Index("uq_team_invitations_pending", "team_id", "email", unique=True,
              sqlite_where=text("state = 'pending'"), postgresql_where=text("state = 'pending'")),
        Index("ix_team_invitations_email_state", "email", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = owned_by("teams.id", index=True)
    email: Mapped[str] = mapped_column(String(320))
    invited_by_id: Mapped[int | None] = done_by("users.id")
    state: Mapped[InvitationState] = mapped_column(
        str_enum(InvitationState, "invitation_state"), default=InvitationState.PENDING)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[dt.datetime | None]
    decided_by_id: Mapped[int | None] = done_by("users.id")
