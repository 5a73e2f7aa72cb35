"""Awards (what one entry is paid, computed from the frozen prize rules and its verified outcomes
when the challenge's awards are proposed) and the entrants' appeals against them."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import BigInteger, CheckConstraint, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, done_by, owned_by, str_enum, utcnow


class Award(Base):
    """At most one per submission, ever (OWASP ASVS 2.3.3): the unique constraint is the last
    line behind the challenge's compare-and-set move to "awards proposed"."""

    __tablename__ = "awards"
    __table_args__ = (
        UniqueConstraint("submission_id"),
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        CheckConstraint("held_back_minor >= 0 AND held_back_minor <= amount_minor",
                        name="holdback_within_amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = owned_by("challenges.id", index=True)
    submission_id: Mapped[int] = owned_by("submissions.id")
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    held_back_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(Text)
    computed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AppealStatus(enum.StrEnum):
    OPEN = "open"
    UPHELD = "upheld"
    DISMISSED = "dismissed"


class Appeal(Base):
    """An entrant's appeal against the proposed awards, one per entry, decided by an admin.

    While it is open, verifiers may correct the entry's attested outcomes; upholding it
    recomputes the challenge's awards from the outcomes as they then are.
    """

    __tablename__ = "appeals"
    __table_args__ = (UniqueConstraint("submission_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = owned_by("challenges.id", index=True)
    submission_id: Mapped[int] = owned_by("submissions.id")
    appellant_id: Mapped[int | None] = done_by("users.id")
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[AppealStatus] = mapped_column(str_enum(AppealStatus, "appeal_status"),
                                                 default=AppealStatus.OPEN)
    decision: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = done_by("users.id")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[dt.datetime | None]
