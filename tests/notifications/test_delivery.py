"""The outbox is emailed through a real SMTP server the test starts (aiosmtpd on a free port).

The clock is passed in: backoff is checked by moving `now`, never by waiting.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.config import Settings
from app.db import session_factory
from app.notifications import service as notifications
from app.notifications.delivery import (
    CLAIM_LEASE,
    MAX_ATTEMPTS,
    DeliveryReport,
    OutgoingMail,
    backoff,
    deliver_pending,
)
from app.notifications.models import OutboxMessage
from app.notifications.smtp import SmtpSender
from tests.factories import make_user
from tests.notifications.smtp_server import SmtpServer

T0 = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
MAIL_FROM = "Valleycross <no-reply@valleycross.example>"


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


def sender_for(server: SmtpServer, **options: object) -> SmtpSender:
    settings: dict[str, object] = {"host": "127.0.0.1", "port": server.port,
                                   "mail_from": MAIL_FROM, "starttls": False, "timeout": 5}
    return SmtpSender(**{**settings, **options})  # type: ignore[arg-type]


def deliver(db: Session, server: SmtpServer, now: dt.datetime = T0, **options: object
            ) -> DeliveryReport:
    with sender_for(server, **options) as sender:
        return deliver_pending(db, sender=sender, now=now)


def queue(db: Session, user: User, subject: str = "Hello", body: str = "Body",
          created_at: dt.datetime = T0) -> OutboxMessage:
    message = notifications.queue(db, recipient_id=user.id, subject=subject, body=body,
                                  kind="test.note")
    message.created_at = created_at
    db.commit()
    return message


def state(db: Session, message: OutboxMessage) -> OutboxMessage:
    fresh = db.scalars(select(OutboxMessage).where(OutboxMessage.id == message.id)
                       .execution_options(populate_existing=True)).one()
    return fresh


def counts(report: DeliveryReport) -> tuple[int, int, int, int]:
    return report.sent, report.retry_later, report.skipped, report.failed


def test_a_message_arrives_with_its_headers_and_utf8_text(db: Session, smtp: SmtpServer
                                                          ) -> None:
    user = make_user(db, email="amina@example.org", display_name="José Ñandú, 王芳")
    subject = "新的问题 : pompes solaires — ça avance ?"
    body = "Une réponse est arrivée.\n\n回答：是的。\nhttp://testserver/challenges/7"
    message = queue(db, user, subject, body)
    report = deliver(db, smtp)
    assert counts(report) == (1, 0, 0, 0) and report.summary() == (
        "sent 1, retry later 0, skipped 0, failed 0")
    [received] = smtp.received
    assert received.mail_from == "no-reply@valleycross.example" and not received.over_tls
    assert received.rcpt_tos == ["amina@example.org"]
    assert received.data.isascii(), "headers and body are encoded for any SMTP server"
    email = received.email
    assert email["Subject"] == subject
    assert email["From"] == MAIL_FROM
    assert email["To"].addresses[0].addr_spec == "amina@example.org"
    assert email["To"].addresses[0].display_name == "José Ñandú, 王芳"
    assert parsedate_to_datetime(email["Date"]) == T0
    assert re.fullmatch(rf"<valleycross\.outbox\.{message.id}\.\d+@valleycross\.example>",
                        email["Message-ID"])
    assert email["Auto-Submitted"] == "auto-generated"
    assert email.get_content_type() == "text/plain"
    assert email.get_content_charset() == "utf-8"
    assert email.get_content().startswith(body)
    sent = state(db, message)
    assert (sent.sent_at, sent.attempts, sent.next_attempt_at, sent.last_error) == (
        T0, 1, None, None)
    assert notifications.pending(db) == []


def test_line_breaks_cannot_add_headers_or_recipients(db: Session, smtp: SmtpServer) -> None:
    user = make_user(db, email="eve@example.org")
    user.display_name = "Eve\r\nBcc: victim@example.org"
    # Written straight to the table: the service would already have made it one line.
    db.add(OutboxMessage(recipient_id=user.id, subject="Hi\r\nBcc: victim@example.org",
                         body="x", kind="test.note", created_at=T0))
    sneaky = make_user(db)
    sneaky.email = "mallory@example.org\r\nBcc: victim@example.org"
    skipped = queue(db, sneaky)
    db.commit()
    assert counts(deliver(db, smtp)) == (1, 0, 1, 0)
    [received] = smtp.received
    assert received.rcpt_tos == ["eve@example.org"]
    assert received.email["Bcc"] is None
    assert received.email["Subject"] == "Hi Bcc: victim@example.org"
    assert b"\nBcc:" not in received.data
    assert state(db, skipped).skip_reason == "no usable email address"


def test_recipients_without_email_or_inactive_are_skipped_for_good(db: Session,
                                                                   smtp: SmtpServer) -> None:
    no_email, inactive, fine = make_user(db), make_user(db), make_user(db)
    no_email.email = no_email.email_normalized = None  # as an OIDC account without an email
    inactive.is_active = False
    db.commit()
    without, asleep, ok = queue(db, no_email), queue(db, inactive), queue(db, fine)
    assert counts(deliver(db, smtp)) == (1, 0, 2, 0)
    assert [r.rcpt_tos for r in smtp.received] == [[fine.email]]
    assert (state(db, without).skip_reason, state(db, without).skipped_at) == (
        "no usable email address", T0)
    assert state(db, asleep).skip_reason == "account inactive"
    assert state(db, without).attempts == 0 and state(db, ok).sent_at == T0
    no_email.email = "found@example.org"  # an address added later does not bring it back
    db.commit()
    assert counts(deliver(db, smtp, T0 + dt.timedelta(days=1))) == (0, 0, 0, 0)
    assert len(smtp.received) == 1
    # Still in the inbox, of course.
    assert [m.id for m, in [(m,) for m in notifications.inbox(
        db, recipient_id=no_email.id)[0]]] == [without.id]


def test_messages_older_than_a_week_are_not_emailed(db: Session, smtp: SmtpServer) -> None:
    user = make_user(db)
    old = queue(db, user, "Old news", created_at=T0 - dt.timedelta(days=8))
    new = queue(db, user, "News", created_at=T0 - dt.timedelta(days=6))
    assert counts(deliver(db, smtp)) == (1, 0, 1, 0)
    assert [r.email["Subject"] for r in smtp.received] == ["News"]
    assert state(db, old).skip_reason == "queued more than 7 days before email delivery"
    assert state(db, new).sent_at == T0


def test_a_server_that_is_down_is_tried_again_with_backoff(db: Session) -> None:
    user = make_user(db)
    first, second = queue(db, user, "First"), queue(db, user, "Second")
    server = SmtpServer()  # its port is chosen, nothing listens there yet

    report = deliver(db, server)
    assert counts(report) == (0, 1, 0, 0)
    assert report.stopped_because and "refused the connection" in report.stopped_because
    down = state(db, first)
    assert (down.attempts, down.next_attempt_at) == (1, T0 + dt.timedelta(minutes=1))
    assert down.last_error == f"127.0.0.1:{server.port} refused the connection"
    # The rest of the pass waits: each would have failed the same way.
    assert state(db, second).attempts == 0

    later = T0 + dt.timedelta(minutes=1)
    assert counts(deliver(db, server, later)) == (0, 1, 0, 0)
    down = state(db, first)
    assert (down.attempts, down.next_attempt_at) == (2, later + dt.timedelta(minutes=5))

    with server:
        # The first is not due yet; the second, never tried, is.
        assert counts(deliver(db, server, later + dt.timedelta(minutes=1))) == (1, 0, 0, 0)
        assert [r.email["Subject"] for r in server.received] == ["Second"]
        assert counts(deliver(db, server, later + dt.timedelta(minutes=5))) == (1, 0, 0, 0)
        assert [r.email["Subject"] for r in server.received] == ["Second", "First"]
    done = state(db, first)
    assert (done.attempts, done.sent_at, done.last_error) == (
        3, later + dt.timedelta(minutes=5), None)


def test_backoff_grows_and_is_capped() -> None:
    assert [backoff(n) for n in (1, 2, 3, 4)] == [dt.timedelta(minutes=m)
                                                  for m in (1, 5, 25, 125)]
    assert backoff(5) == backoff(50) == dt.timedelta(hours=6)


def test_it_gives_up_after_the_last_attempt(db: Session) -> None:
    message = queue(db, make_user(db))
    server, now = SmtpServer(), T0
    for attempt in range(1, MAX_ATTEMPTS):
        assert counts(deliver(db, server, now)) == (0, 1, 0, 0)
        now = state(db, message).next_attempt_at or now
        assert state(db, message).attempts == attempt
    assert counts(deliver(db, server, now)) == (0, 0, 0, 1)
    given_up = state(db, message)
    assert (given_up.failed_at, given_up.attempts) == (now, MAX_ATTEMPTS)
    assert given_up.last_error == (f"gave up after {MAX_ATTEMPTS} tries: "
                                   f"127.0.0.1:{server.port} refused the connection")
    assert now - T0 > dt.timedelta(hours=12)
    with server:
        assert counts(deliver(db, server, now + dt.timedelta(days=1))) == (0, 0, 0, 0)


def test_a_4xx_refusal_is_retried_and_the_pass_goes_on(db: Session, smtp: SmtpServer) -> None:
    busy, fine = make_user(db, email="busy@example.org"), make_user(db)
    smtp.refuse("busy@example.org", "451 4.3.0 Mailbox busy, try later")
    later, now = queue(db, busy), queue(db, fine)
    assert counts(deliver(db, smtp)) == (1, 1, 0, 0)
    waiting = state(db, later)
    assert waiting.last_error == "recipient refused: 451 4.3.0 Mailbox busy, try later"
    assert waiting.next_attempt_at == T0 + dt.timedelta(minutes=1)
    assert state(db, now).sent_at == T0
    del smtp.handler.refusals["busy@example.org"]
    assert counts(deliver(db, smtp, T0 + dt.timedelta(minutes=1))) == (1, 0, 0, 0)
    assert [r.rcpt_tos for r in smtp.received] == [[fine.email], ["busy@example.org"]]


def test_a_550_refusal_fails_at_once(db: Session, smtp: SmtpServer) -> None:
    gone, fine = make_user(db, email="gone@example.org"), make_user(db)
    smtp.refuse("gone@example.org", "550 5.1.1 No such user here")
    refused, ok = queue(db, gone), queue(db, fine)
    assert counts(deliver(db, smtp)) == (1, 0, 0, 1)
    failed = state(db, refused)
    assert (failed.failed_at, failed.attempts, failed.next_attempt_at) == (T0, 1, None)
    assert failed.last_error == "recipient refused: 550 5.1.1 No such user here"
    assert state(db, ok).sent_at == T0
    assert counts(deliver(db, smtp, T0 + dt.timedelta(days=1))) == (0, 0, 0, 0)
    assert len(smtp.received) == 1


class CrashingSender:
    """Delegates to a real sender and dies (as a killed worker would) on the n-th message."""

    def __init__(self, real: SmtpSender, crash_on: int) -> None:
        self.real, self.crash_on, self.calls = real, crash_on, 0

    def send(self, mail: OutgoingMail) -> None:
        self.calls += 1
        if self.calls == self.crash_on:
            raise KeyboardInterrupt
        self.real.send(mail)


def test_a_crash_halfway_and_later_runs_send_nothing_twice(db: Session, smtp: SmtpServer
                                                           ) -> None:
    user = make_user(db)
    messages = [queue(db, user, f"Message {n}") for n in range(5)]
    with sender_for(smtp) as real, pytest.raises(KeyboardInterrupt):
        deliver_pending(db, sender=CrashingSender(real, crash_on=3), now=T0)
    db.rollback()
    assert [r.email["Subject"] for r in smtp.received] == ["Message 0", "Message 1"]
    crashed = state(db, messages[2])
    assert (crashed.sent_at, crashed.attempts, crashed.next_attempt_at) == (
        None, 1, T0 + CLAIM_LEASE)

    assert counts(deliver(db, smtp, T0 + dt.timedelta(minutes=1))) == (2, 0, 0, 0)
    assert counts(deliver(db, smtp, T0 + CLAIM_LEASE)) == (1, 0, 0, 0)
    assert counts(deliver(db, smtp, T0 + dt.timedelta(days=1))) == (0, 0, 0, 0)
    subjects = [r.email["Subject"] for r in smtp.received]
    assert sorted(subjects) == [f"Message {n}" for n in range(5)]


def test_two_workers_at_once_send_each_message_once(db: Session, settings: Settings,
                                                    smtp: SmtpServer) -> None:
    users = [make_user(db) for _ in range(3)]
    for n in range(24):
        queue(db, users[n % 3], f"Message {n}")
    start = threading.Barrier(2)
    reports: list[DeliveryReport] = []

    def worker() -> None:
        with session_factory(settings.database_url)() as session, sender_for(smtp) as sender:
            start.wait()
            reports.append(deliver_pending(session, sender=sender, now=T0))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(reports) == 2
    assert sum(r.sent for r in reports) == 24
    ids = [r.email["Message-ID"] for r in smtp.received]
    assert len(ids) == len(set(ids)) == 24


def test_starttls_and_login_as_in_production(db: Session, tmp_path: Path) -> None:
    queue(db, make_user(db, email="tls@example.org"))
    with SmtpServer(tls_dir=tmp_path, login=("mailer", "correct horse battery")) as server:
        wrong = deliver(db, server, starttls=True, tls_context=server.client_tls,
                        username="mailer", password="wrong password 123")
        assert counts(wrong) == (0, 1, 0, 0)
        error = db.scalars(select(OutboxMessage.last_error)).one()
        assert error == "login as mailer refused (535)" and "wrong password" not in error
        right = deliver(db, server, T0 + dt.timedelta(minutes=1), starttls=True,
                        tls_context=server.client_tls, username="mailer",
                        password="correct horse battery")
        assert counts(right) == (1, 0, 0, 0)
        [received] = server.received
        assert received.over_tls and received.login == "mailer"


def test_no_plain_text_fallback_when_starttls_is_missing(db: Session, smtp: SmtpServer) -> None:
    message = queue(db, make_user(db))
    report = deliver(db, smtp, starttls=True, username="mailer", password="secret password")
    assert counts(report) == (0, 1, 0, 0) and smtp.received == []
    assert state(db, message).last_error == (
        f"127.0.0.1:{smtp.port} does not offer STARTTLS "
        "(SMTP_STARTTLS=false only for a trusted relay)")


def test_a_message_another_worker_holds_is_passed_by(db: Session, settings: Settings,
                                                     smtp: SmtpServer) -> None:
    if settings.is_sqlite:
        pytest.skip("row locks are PostgreSQL's; SQLite lets one writer at a time")
    user = make_user(db)
    held, free = queue(db, user, "Held"), queue(db, user, "Free")
    reports: list[DeliveryReport] = []
    with session_factory(settings.database_url)() as other_worker:
        other_worker.execute(select(OutboxMessage).where(OutboxMessage.id == held.id)
                             .with_for_update())
        thread = threading.Thread(target=lambda: reports.append(deliver(db, smtp)))
        thread.start()
        thread.join(timeout=30)
        waited = thread.is_alive()
        other_worker.rollback()
    thread.join(timeout=30)
    assert not waited, "the locked row was waited for instead of skipped"
    assert [counts(r) for r in reports] == [(1, 0, 0, 0)]
    assert [r.email["Subject"] for r in smtp.received] == ["Free"]
    assert state(db, held).attempts == 0 and state(db, free).sent_at == T0


def test_a_message_whose_tries_never_finish_is_given_up(db: Session, smtp: SmtpServer) -> None:
    message = queue(db, make_user(db))
    now = T0
    for _ in range(MAX_ATTEMPTS):
        with sender_for(smtp) as real, pytest.raises(KeyboardInterrupt):
            deliver_pending(db, sender=CrashingSender(real, crash_on=1), now=now)
        db.rollback()
        now += CLAIM_LEASE
    assert counts(deliver(db, smtp, now)) == (0, 0, 0, 1)
    given_up = state(db, message)
    assert (given_up.failed_at, given_up.attempts) == (now, MAX_ATTEMPTS)
    assert given_up.last_error == (f"gave up after {MAX_ATTEMPTS} tries, the last of which "
                                   "did not finish")
    assert smtp.received == []


def test_a_connection_the_server_closed_meanwhile_is_opened_again(db: Session) -> None:
    user = make_user(db)
    first = queue(db, user, "First")
    server = SmtpServer()
    with sender_for(server) as sender:
        with server:
            assert counts(deliver_pending(db, sender=sender, now=T0)) == (1, 0, 0, 0)
        second = queue(db, user, "Second")
        with server:  # a restart: the sender's connection is dead
            assert counts(deliver_pending(db, sender=sender, now=T0)) == (1, 0, 0, 0)
    assert state(db, first).sent_at == state(db, second).sent_at == T0
    assert [r.email["Subject"] for r in server.received] == ["First", "Second"]


def test_implicit_tls(db: Session, tmp_path: Path) -> None:
    queue(db, make_user(db))
    with SmtpServer(tls_dir=tmp_path, implicit_tls=True) as server:
        report = deliver(db, server, implicit_tls=True, tls_context=server.client_tls)
        assert counts(report) == (1, 0, 0, 0)
        assert [r.over_tls for r in server.received] == [True]
