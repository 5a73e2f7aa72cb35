from __future__ import annotations

import datetime as dt

from app.kit.schemas import IdValue, InputModel, ReadModel


class MessageRead(ReadModel):
    id: int
    subject: str
    body: str
    kind: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class MarkRead(InputModel):
    """Mark read every message up to and including `up_to_id` (all of them when omitted)."""

    up_to_id: IdValue | None = None


class MarkedRead(ReadModel):
    marked: int
    unread: int
