"""Messages to users, queued in an outbox table and delivered by email by `send-mail`."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, owned_by, utcnow


class OutboxMessage(Base):
    """One message to a user: shown in their inbox at once, and waiting for email delivery.

    `read_at` is null until the recipient has seen it in the inbox. Email delivery ends in
    exactly one of `sent_at` (delivered to the mail server), `skipped_at` (never emailed, with
    `skip_reason`: no address, inactive account) or `failed_at` (refused, or too many tries);
    until then `attempts`, `last_error` and `next_attempt_at` say how it is going.
    """

    __tablename__ = "notification_outbox"
    __table_args__ = (Index("ix_notification_outbox_pending", "sent_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = owned_by("users.id", index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(60))
    # Sent here instead of the recipient's current address: a link proving a new address.
    to_address: Mapped[str | None] = mapped_column(String(320))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]
    read_at: Mapped[dt.datetime | None]

    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    # Null: due now. Also set while a worker holds the message, so no other worker takes it.
    next_attempt_at: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(300))
    failed_at: Mapped[dt.datetime | None]
    skipped_at: Mapped[dt.datetime | None]
    skip_reason: Mapped[str | None] = mapped_column(String(100))
