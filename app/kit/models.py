"""Tables of the shared kit (found by app/discovery.py like any domain's models)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, String
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
