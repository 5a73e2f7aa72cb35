"""The outbox keeps messages until a sender marks them sent."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.notifications import service as notifications
from tests.factories import make_user


def test_queue_keeps_messages_pending_until_sent(db: Session) -> None:
    a, b = make_user(db), make_user(db)
    first = notifications.queue(db, recipient_id=a.id, subject="Hello\n  there",
                                body="Body", kind="test.hello")
    notifications.queue_many(db, recipient_ids=[a.id, b.id, a.id], subject="x" * 400,
                             body="Many", kind="test.many")
    db.commit()
    pending = notifications.pending(db)
    assert [(m.recipient_id, m.kind) for m in pending] == [
        (a.id, "test.hello"), (a.id, "test.many"), (b.id, "test.many")]
    assert first.subject == "Hello there"
    assert len(pending[1].subject) == 300 and pending[1].subject.endswith("…")
    assert first.created_at.tzinfo is not None and first.sent_at is None
    notifications.mark_sent(db, message=first)
    db.commit()
    assert [m.id for m in notifications.pending(db)] == [pending[1].id, pending[2].id]
    assert [m.kind for m in notifications.for_recipient(db, recipient_id=a.id)] == [
        "test.hello", "test.many"]
    assert notifications.for_recipient(db, recipient_id=b.id, kind="test.hello") == []
