"""Queue messages in the outbox and read them in the inbox.

Nothing is emailed here: `delivery.py` (run by `valleycross send-mail`) does that, after the
transaction that queued a message has committed. Every message is readable at once on the
recipient's inbox page, whether or not email delivery is set up.

This module imports no domain: callers pass user ids and texts; a text made with
`app.i18n.translate.translatable` is written in each recipient's chosen language.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, column, func, select, table, update
from sqlalchemy.orm import Session

from app.db import utcnow
from app.i18n.locales import DEFAULT_LOCALE, supported
from app.i18n.translate import translate_message, use_locale
from app.notifications.models import OutboxMessage

SUBJECT_MAX = 300
# A kind starting with this carries a secret link meant for the mailbox alone (a password
# reset, a sign-in link, an address to confirm): emailed, never shown in the inbox, where a
# stolen session could read it.
MAIL_ONLY = "mail."


# The accounts' chosen languages, read by table name as the foreign key names it: accounts sit
# above notifications in the import order.
_users = table("users", column("id"), column("locale"))


def queue(db: Session, *, recipient_id: int, subject: str, body: str,
          kind: str, to_address: str | None = None) -> OutboxMessage:
    """Add one message for one user to the outbox (emailed to `to_address` when given, e.g.
    a link proving a new address, instead of the user's current one)."""
    message = queue_many(db, recipient_ids=[recipient_id], subject=subject, body=body,
                         kind=kind)[0]
    if to_address is not None:
        message.to_address = to_address
        db.flush()
    return message


def queue_many(db: Session, *, recipient_ids: Iterable[int], subject: str, body: str,
               kind: str) -> list[OutboxMessage]:
    """The same message for several users (one row each; a repeated id counts once), written
    in each recipient's chosen language: a subject or body made with `translatable` (or
    marked with `N_`) is translated for those who chose Chinese, and kept as it is otherwise."""
    ids = list(dict.fromkeys(recipient_ids))
    languages = _languages(db, ids)
    messages = []
    for rid in ids:
        with use_locale(languages.get(rid, DEFAULT_LOCALE)):
            text_subject, text_body = translate_message(subject), translate_message(body)
        messages.append(OutboxMessage(recipient_id=rid, subject=_subject(text_subject),
                                      body=text_body, kind=kind))
    db.add_all(messages)
    db.flush()
    return messages


def _languages(db: Session, ids: list[int]) -> dict[int, str]:
    rows = db.execute(select(_users.c.id, _users.c.locale).where(_users.c.id.in_(ids)))
    return {rid: supported(locale) or DEFAULT_LOCALE for rid, locale in rows}


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
    mine = (OutboxMessage.recipient_id == recipient_id) & _in_inbox()
    total = db.scalar(select(func.count()).select_from(OutboxMessage).where(mine)) or 0
    page = db.scalars(select(OutboxMessage).where(mine).order_by(OutboxMessage.id.desc())
                      .limit(limit).offset(offset))
    return list(page), total


def unread_count(db: Session, *, recipient_id: int) -> int:
    return db.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.recipient_id == recipient_id, OutboxMessage.read_at.is_(None),
        _in_inbox())) or 0


def _in_inbox() -> ColumnElement[bool]:
    return OutboxMessage.kind.not_like(f"{MAIL_ONLY}%")


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
