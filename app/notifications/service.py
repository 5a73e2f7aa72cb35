"""Queue messages in the outbox and read them in the inbox.

Nothing is emailed here: `delivery.py` (run by `valleycross send-mail`) does that, after the
transaction that queued a message has committed. Every message is readable at once on the
recipient's inbox page, whether or not email delivery is set up.

This module imports no domain: callers pass user ids and ready-made texts.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.db import utcnow
from app.notifications.models import OutboxMessage

SUBJECT_MAX = 300


def queue(db: Session, *, recipient_id: int, subject: str, body: str,
          kind: str) -> OutboxMessage:
    """Add one message for one user to the outbox."""
    message = OutboxMessage(recipient_id=recipient_id, subject=_subject(subject), body=body,
                            kind=kind)
    db.add(message)
    db.flush()
    return message


def queue_many(db: Session, *, recipient_ids: Iterable[int], subject: str, body: str,
               kind: str) -> list[OutboxMessage]:
    """The same message for several users (one row each; a repeated id counts once)."""
    messages = [OutboxMessage(recipient_id=rid, subject=_subject(subject), body=body, kind=kind)
                for rid in dict.fromkeys(recipient_ids)]
    db.add_all(messages)
    db.flush()
    return messages


def pending(db: Session, *, limit: int = 100) -> list[OutboxMessage]:
    """Messages still waiting for email delivery (neither sent, skipped nor failed), oldest
    first, whether due now or waiting to be tried again."""
    return list(db.scalars(select(OutboxMessage).where(
        OutboxMessage.sent_at.is_(None), OutboxMessage.skipped_at.is_(None),
        OutboxMessage.failed_at.is_(None)).order_by(OutboxMessage.id).limit(limit)))


def mark_sent(db: Session, *, message: OutboxMessage) -> None:
    message.sent_at = utcnow()
    db.flush()


def for_recipient(db: Session, *, recipient_id: int, kind: str | None = None
                  ) -> list[OutboxMessage]:
    """A user's messages, oldest first (optionally one kind only)."""
    stmt = select(OutboxMessage).where(OutboxMessage.recipient_id == recipient_id)
    if kind:
        stmt = stmt.where(OutboxMessage.kind == kind)
    return list(db.scalars(stmt.order_by(OutboxMessage.id)))


def inbox(db: Session, *, recipient_id: int, limit: int = 50, offset: int = 0
          ) -> tuple[list[OutboxMessage], int]:
    """One page of a user's messages, newest first, and how many there are in all."""
    mine = OutboxMessage.recipient_id == recipient_id
    total = db.scalar(select(func.count()).select_from(OutboxMessage).where(mine)) or 0
    page = db.scalars(select(OutboxMessage).where(mine).order_by(OutboxMessage.id.desc())
                      .limit(limit).offset(offset))
    return list(page), total


def unread_count(db: Session, *, recipient_id: int) -> int:
    return db.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.recipient_id == recipient_id, OutboxMessage.read_at.is_(None))) or 0


def mark_read(db: Session, *, recipient_id: int, up_to_id: int | None = None) -> int:
    """Mark the user's unread messages read (only those up to `up_to_id`, the newest one they
    were shown, so a message that arrived meanwhile stays unread). Returns how many."""
    stmt = update(OutboxMessage).where(OutboxMessage.recipient_id == recipient_id,
                                       OutboxMessage.read_at.is_(None))
    if up_to_id is not None:
        stmt = stmt.where(OutboxMessage.id <= up_to_id)
    result = db.execute(stmt.values(read_at=utcnow()).execution_options(
        synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0)


def _subject(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SUBJECT_MAX else text[: SUBJECT_MAX - 1] + "…"
