"""Tables of the shared kit (found by app/discovery.py like any domain's models)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class RateLimitHit(Base):
    """One counted action (a sign-up, a question, ...) by one client, kept only for its window.

    `key` names the client: `ip:<address>` or `user:<id>`. Addresses are personal data, which
    is one more reason rows are deleted as soon as their window has passed.
    """

    __tablename__ = "rate_limit_hits"
    __table_args__ = (Index("ix_rate_limit_hits_action_key_at", "action", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(String(60))
    key: Mapped[str] = mapped_column(String(200))
    at: Mapped[dt.datetime]


class DataVersion(Base):
    """A counter that every committed write to shared data moves on, in that write's own
    transaction (app/kit/data_version.py): a cached page made at version N is current exactly
    while the counter still reads N, on every worker and server that shares the database."""

    __tablename__ = "data_versions"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
