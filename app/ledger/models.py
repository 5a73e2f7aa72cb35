"""The award ledger: one row per money event, never updated or deleted.

No column refers to another table through a foreign key: a deleted challenge, entry or account
can neither cascade into the ledger nor be blocked by it, and the ledger's own triggers (see the
migration that made this table) refuse UPDATE and DELETE on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class LedgerKind(enum.StrEnum):
    AWARD_PROPOSED = "award_proposed"
    AWARD_RECOMPUTED = "award_recomputed"
    AWARDS_FINAL = "awards_final"
    PAYMENT_RECORDED = "payment_recorded"
    HOLDBACK_RELEASED = "holdback_released"
    HOLDBACK_FORFEITED = "holdback_forfeited"
    CHALLENGE_CANCELLED = "challenge_cancelled"


class LedgerEntry(Base):
    __tablename__ = "ledger_entries"

    sequence: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    recorded_at: Mapped[dt.datetime]
    kind: Mapped[str] = mapped_column(String(40))
    challenge_id: Mapped[int] = mapped_column(Integer, index=True)
    submission_id: Mapped[int | None] = mapped_column(Integer)
    amount_minor: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    payload: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class LedgerTurn(Base):
    """One row whose counter every append bumps first: the write takes the lock (SQLite's
    database write lock, PostgreSQL's row lock) before the head is read, so two appends at once
    cannot both chain onto the same head."""

    __tablename__ = "ledger_turn"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    appended: Mapped[int] = mapped_column(BigInteger, default=0)
