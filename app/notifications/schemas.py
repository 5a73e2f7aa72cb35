from __future__ import annotations

import datetime as dt

from pydantic import Field, field_validator

from app.config import get_settings
from app.kit import links
from app.kit.schemas import IdValue, InputModel, ReadModel


class MessageRead(ReadModel):
    id: int
    subject: str
    body: str = Field(description="plain text; links to the site are absolute (`BASE_URL`)")
    kind: str
    created_at: dt.datetime
    read_at: dt.datetime | None

    @field_validator("body")
    @classmethod
    def _absolute_links(cls, value: str) -> str:
        return links.absolute(value, get_settings().base_url)


class MarkRead(InputModel):
    """Mark read every message up to and including `up_to_id` (all of them when omitted)."""

    up_to_id: IdValue | None = None


class MarkedRead(ReadModel):
    marked: int
    unread: int
