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


def test_each_recipient_reads_a_message_in_their_chosen_language(db: Session) -> None:
    from app.i18n.translate import translatable

    english, chinese, unset = make_user(db), make_user(db), make_user(db)
    chinese.locale = "zh-Hans"
    db.flush()
    subject = translatable("Too many %(what)s: the limit is %(limit)s %(per)s. "
                           "Try again in %(wait)s.", what=translatable("Sign in"), limit=5,
                           per=translatable("a day"), wait=translatable("%(n)s hours", n=3))
    sent = notifications.queue_many(db, recipient_ids=[english.id, chinese.id, unset.id],
                                    subject=subject, body=translatable("Sign in to continue."),
                                    kind="test.language")
    by_reader = {m.recipient_id: (m.subject, m.body) for m in sent}
    assert by_reader[english.id] == by_reader[unset.id] == (
        "Too many Sign in: the limit is 5 a day. Try again in 3 hours.", "Sign in to continue.")
    assert by_reader[chinese.id] == ("登录过多：上限为每天 5 次。请在 3 小时后重试。", "请登录后继续。")
    plain = notifications.queue(db, recipient_id=chinese.id, subject="A title people typed",
                                body="Their words", kind="test.plain")
    assert (plain.subject, plain.body) == ("A title people typed", "Their words")
