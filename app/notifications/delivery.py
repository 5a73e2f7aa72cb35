"""Email delivery of the outbox: which messages go, when to try again, when to give up.

`deliver_pending` takes the messages that are due, oldest first, and hands each to a `Sender`
(`smtp.SmtpSender` in production, a fake in some tests). No SMTP and no HTTP here.

Unlike the services, this module commits, once per message: a message's new state (sent,
retry later, skipped, failed) is durable before the next one is tried, so a worker that dies
halfway never sends the finished ones again. A message is *claimed* before it is sent (its
`attempts` goes up and `next_attempt_at` moves a lease ahead, committed), so the SMTP
conversation holds no row lock or open transaction, and no other worker takes the message
meanwhile. On PostgreSQL the claim reads with `FOR UPDATE SKIP LOCKED`, so two workers pass each
other by; the claim's UPDATE is also conditional on the attempt count it read, which is what
keeps two SQLite workers (no row locks there) from both taking the same message.

A worker that dies after the server accepted a message but before its commit sends that one
message again after the lease: at least once, never silently lost. The Message-ID is the same
both times, so mail clients can tell.

The recipient's address is read from the `users` table by name (as the outbox's foreign key
already names it) rather than through `app.accounts`, which sits above this domain.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email.errors import HeaderParseError
from email.headerregistry import Address
from typing import Protocol

from sqlalchemy import Boolean, ColumnElement, Integer, String, column, or_, select, table, update
from sqlalchemy.orm import Session

from app.config import get_settings
from app.kit import links
from app.notifications.models import OutboxMessage

BACKOFF_FIRST = dt.timedelta(minutes=1)
BACKOFF_FACTOR = 5
BACKOFF_CAP = dt.timedelta(hours=6)
# 1 + 5 + 25 + 125 minutes, then every 6 hours: the eighth failure is about 20 hours after the
# first, long enough to ride out a mail server's bad night.
MAX_ATTEMPTS = 8
# Far longer than one SMTP conversation can take (a few timeouts); a worker that died
# mid-message leaves it to be tried again after this.
CLAIM_LEASE = dt.timedelta(minutes=15)
# A message this old is news no longer: shown in the inbox, not emailed. This is what keeps the
# first run after email delivery is switched on from mailing out months of old messages.
TOO_OLD = dt.timedelta(days=7)
ERROR_MAX = 300

_users = table("users", column("id", Integer), column("email", String),
               column("display_name", String), column("is_active", Boolean))


class DeliveryFailed(Exception):
    """Raised by a `Sender`: the message did not go. `reason` is short and holds no secret."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = one_line(reason)[:ERROR_MAX]


class TemporaryFailure(DeliveryFailed):
    """Try this message again later (a 4xx answer)."""


class ServerUnavailable(TemporaryFailure):
    """The mail server cannot take any mail now (unreachable, TLS or login refused).

    The message counts a failed attempt; the rest of the pass is left for the next one, since
    each would fail the same way (and wait out the same timeout).
    """


class PermanentFailure(DeliveryFailed):
    """The server refused this message for good (a 5xx answer): never tried again."""


@dataclass(frozen=True)
class OutgoingMail:
    """What a `Sender` needs to send one outbox message."""

    key: str  # stable for the outbox message: its Message-ID is made from it
    to_address: str
    to_name: str
    subject: str
    body: str
    date: dt.datetime


class Sender(Protocol):
    def send(self, mail: OutgoingMail) -> None:
        """Hand one message to the mail server, or raise a `DeliveryFailed`."""


@dataclass
class DeliveryReport:
    sent: int = 0
    retry_later: int = 0
    skipped: int = 0
    failed: int = 0
    # Why the pass stopped before the queue was empty (the server was unavailable).
    stopped_because: str | None = None

    @property
    def handled(self) -> int:
        return self.sent + self.retry_later + self.skipped + self.failed

    def summary(self) -> str:
        return (f"sent {self.sent}, retry later {self.retry_later}, skipped {self.skipped}, "
                f"failed {self.failed}")


def backoff(attempts: int) -> dt.timedelta:
    """How long to wait after the `attempts`-th failed try: 1, 5, 25, 125 minutes, ... 6 hours."""
    factor: int = BACKOFF_FACTOR ** min(max(attempts - 1, 0), 10)
    return min(BACKOFF_FIRST * factor, BACKOFF_CAP)


def one_line(text: str) -> str:
    """The text with line breaks (and other control characters) turned into single spaces."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def usable_address(raw: str | None) -> str | None:
    """The address trimmed, its domain in ASCII (punycode), or None when it cannot safely
    stand alone in a To header. A non-ASCII local part is refused: few servers take it."""
    address = (raw or "").strip()
    if not address or not address.isprintable() or any(c.isspace() for c in address):
        return None
    local, _, domain = address.rpartition("@")
    if not local or not domain or any(c in address for c in "<>,;\"\\()[]"):
        return None
    try:
        address = f"{local}@{domain.encode('idna').decode('ascii')}"
        parsed = Address(addr_spec=address)
    except (ValueError, HeaderParseError, IndexError):  # UnicodeError is a ValueError
        return None
    return address if parsed.addr_spec == address else None


def deliver_pending(db: Session, *, sender: Sender, now: dt.datetime,
                    batch: int = 100, base_url: str | None = None) -> DeliveryReport:
    """Send up to `batch` due messages oldest first, committing each one's new state.

    Links to the site are made absolute here, with `base_url` (`BASE_URL` by default): the
    server's address when the mail goes, not when the message was queued."""
    report = DeliveryReport()
    base = base_url if base_url is not None else get_settings().base_url
    for _ in range(batch):
        message = _next_due(db, now=now)
        if message is None:
            break
        if message.attempts >= MAX_ATTEMPTS:
            # Due with every try used: only workers that died while sending it leave it so
            # (a message that keeps crashing the worker must not do so for ever).
            if _change(db, message, now=now, failed_at=now, next_attempt_at=None,
                       last_error=f"gave up after {message.attempts} tries, the last of which "
                       "did not finish"):
                report.failed += 1
            continue
        recipient = db.execute(select(_users.c.email, _users.c.display_name,
                                      _users.c.is_active)
                               .where(_users.c.id == message.recipient_id)).first()
        if recipient is None:
            db.rollback()  # the account was deleted meanwhile, and its messages with it
            continue
        # A link proving a new address goes there, not to the account's current one.
        address = usable_address(message.to_address or recipient.email)
        reason = _skip_reason(message, address, bool(recipient.is_active), now)
        if reason is not None:
            if _change(db, message, now=now, skipped_at=now, skip_reason=reason,
                       next_attempt_at=None):
                report.skipped += 1
            continue
        assert address is not None
        mail = OutgoingMail(
            key=f"valleycross.outbox.{message.id}.{int(message.created_at.timestamp())}",
            to_address=address, to_name=one_line(recipient.display_name or ""),
            subject=one_line(message.subject), body=links.absolute(message.body, base),
            date=now)
        attempt = message.attempts + 1
        if not _change(db, message, now=now, attempts=attempt,
                       next_attempt_at=now + CLAIM_LEASE):
            continue  # another worker claimed it between our read and our write
        stop = _send_one(db, message.id, attempt, mail, sender=sender, now=now, report=report)
        if stop is not None:
            report.stopped_because = stop
            break
    return report


def _send_one(db: Session, message_id: int, attempt: int, mail: OutgoingMail, *,
              sender: Sender, now: dt.datetime, report: DeliveryReport) -> str | None:
    """Send one claimed message (`attempt` counts this try) and commit what became of it;
    returns why the pass should stop, if it should."""
    try:
        sender.send(mail)
    except PermanentFailure as exc:
        _record(db, message_id, failed_at=now, last_error=exc.reason, next_attempt_at=None)
        report.failed += 1
    except TemporaryFailure as exc:
        if attempt >= MAX_ATTEMPTS:
            _record(db, message_id, failed_at=now, next_attempt_at=None,
                    last_error=f"gave up after {attempt} tries: {exc.reason}"[:ERROR_MAX])
            report.failed += 1
        else:
            _record(db, message_id, last_error=exc.reason,
                    next_attempt_at=now + backoff(attempt))
            report.retry_later += 1
        if isinstance(exc, ServerUnavailable):
            return exc.reason
    else:
        _record(db, message_id, sent_at=now, last_error=None, next_attempt_at=None)
        report.sent += 1
    return None


def _skip_reason(message: OutboxMessage, address: str | None, active: bool,
                 now: dt.datetime) -> str | None:
    if not active:
        return "account inactive"
    if address is None:
        return "no usable email address"
    if message.created_at < now - TOO_OLD:
        return f"queued more than {TOO_OLD.days} days before email delivery"
    return None


def _due(now: dt.datetime) -> ColumnElement[bool]:
    return (OutboxMessage.sent_at.is_(None) & OutboxMessage.failed_at.is_(None)
            & OutboxMessage.skipped_at.is_(None)
            & or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now))


def _next_due(db: Session, *, now: dt.datetime) -> OutboxMessage | None:
    """The oldest due message, locked on PostgreSQL until `_change` commits (or the rollback
    below): another worker's same query skips it and takes the next one."""
    message = db.scalars(select(OutboxMessage).where(_due(now)).order_by(OutboxMessage.id)
                         .limit(1).with_for_update(skip_locked=True)
                         .execution_options(populate_existing=True)).first()
    if message is None:
        db.rollback()
    return message


def _change(db: Session, message: OutboxMessage, *, now: dt.datetime,
            **values: object) -> bool:
    """Update the message only if it is still as we read it (due, same attempt count) and
    commit; False when another worker got there first."""
    result = db.execute(update(OutboxMessage)
                        .where(OutboxMessage.id == message.id,
                               OutboxMessage.attempts == message.attempts, _due(now))
                        .values(**values))
    db.commit()
    return int(getattr(result, "rowcount", 0) or 0) == 1


def _record(db: Session, message_id: int, **values: object) -> None:
    """Commit the outcome of a try on a message this worker has claimed."""
    db.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(**values))
    db.commit()
