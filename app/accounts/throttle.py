"""Sign-in throttling that slows guessing without handing strangers a way to lock people out.

Failures are counted per pair of account and client (the client's address): after
`login_max_failures_per_account` failures in a row the pair waits `login_backoff_base_seconds`,
and each further failure doubles the wait up to `login_backoff_max_seconds`. A success clears
the pair (only failures after the pair's last success count). A stranger guessing someone's
password from elsewhere therefore slows only themselves: the owner's own client never waits for
another client's failures (the 15-minute account lockout that anyone could renew is gone).

Beside it, the old ceiling per address across accounts holds (credential stuffing: one address
trying many accounts), and the refusal says when to try again and offers a sign-in link by email.

Guessing one password from many addresses (a botnet, five free tries each) meets a ceiling per
account across clients (`login_max_failures_per_account_all_clients` in the window). It spares
every client that signed in to the account within `KNOWN_CLIENT_MEMORY`, so it cannot lock the
owner out of their own browsers, and from anywhere else the emailed sign-in link still works.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from app.accounts.models import LoginAttempt
from app.config import get_settings
from app.i18n.translate import translatable
from app.kit import rate_limit

# How long a pair's failures are remembered when no success clears them.
PAIR_MEMORY = dt.timedelta(days=1)
# A client that signed in to the account this recently is the owner's: never held back by
# failures from elsewhere.
KNOWN_CLIENT_MEMORY = dt.timedelta(days=30)
# Where a throttled person asks for a sign-in link by email (app/accounts' email pages).
SIGN_IN_LINK_PATH = "/login/link"


@dataclass(frozen=True)
class Throttle:
    retry_after_seconds: int

    def message(self) -> str:
        return translatable("Too many attempts. Try again in %(wait)s, or ask for a sign-in "
                            "link by email at %(url)s.",
                            wait=rate_limit.duration(self.retry_after_seconds),
                            url=get_settings().base_url.rstrip("/") + SIGN_IN_LINK_PATH)


def clock() -> dt.datetime:
    """The limiter's clock: tests move time by replacing `rate_limit.clock`."""
    return rate_limit.clock()


def backoff_seconds(failures: int) -> int:
    """The wait after `failures` failures in a row of one pair (0: no wait yet)."""
    settings = get_settings()
    free = settings.login_max_failures_per_account
    if failures < free:
        return 0
    # Bounded exponent: a pair with thousands of failures must not build a huge integer.
    doubling = min(failures - free, 32)
    return int(min(settings.login_backoff_max_seconds,
                   settings.login_backoff_base_seconds * 2 ** doubling))


def check(db: Session, *, email: str, ip: str, now: dt.datetime) -> Throttle | None:
    """The wait this client must observe before trying this account again (None: go ahead)."""
    return (_pair_wait(db, email=email, ip=ip, now=now) or _address_wait(db, ip=ip, now=now)
            or _account_wait(db, email=email, ip=ip, now=now))


def _pair_wait(db: Session, *, email: str, ip: str, now: dt.datetime) -> Throttle | None:
    pair = (LoginAttempt.email_normalized == email, LoginAttempt.ip == ip)
    since = now - PAIR_MEMORY
    last_success = db.scalar(select(func.max(LoginAttempt.attempted_at)).where(
        *pair, LoginAttempt.succeeded.is_(True), LoginAttempt.attempted_at > since))
    if last_success is not None:
        since = last_success
    failures, last_failure = db.execute(
        select(func.count(), func.max(LoginAttempt.attempted_at)).where(
            *pair, LoginAttempt.succeeded.is_(False), LoginAttempt.attempted_at > since)).one()
    wait = backoff_seconds(int(failures))
    if not wait or last_failure is None:
        return None
    remaining = _aware(last_failure) + dt.timedelta(seconds=wait) - now
    if remaining.total_seconds() <= 0:
        return None
    return Throttle(max(1, math.ceil(remaining.total_seconds())))


def _address_wait(db: Session, *, ip: str, now: dt.datetime) -> Throttle | None:
    """One address failing on many accounts cools off until its oldest counted failure leaves
    the window."""
    return _ceiling(db, LoginAttempt.ip == ip, now=now,
                    limit=get_settings().login_max_failures_per_ip)


def _account_wait(db: Session, *, email: str, ip: str, now: dt.datetime) -> Throttle | None:
    """Many clients failing on one account hold back every client the account has not seen."""
    reached = _ceiling(db, LoginAttempt.email_normalized == email, now=now,
                       limit=get_settings().login_max_failures_per_account_all_clients)
    if reached is None:
        return None
    known = db.scalar(select(LoginAttempt.id).where(
        LoginAttempt.email_normalized == email, LoginAttempt.ip == ip,
        LoginAttempt.succeeded.is_(True),
        LoginAttempt.attempted_at > now - KNOWN_CLIENT_MEMORY).limit(1))
    return None if known is not None else reached


def _ceiling(db: Session, scope: ColumnElement[bool], *, now: dt.datetime,
             limit: int) -> Throttle | None:
    """At `limit` failures in the window within `scope`: wait until the oldest counted one
    leaves it."""
    window = dt.timedelta(seconds=get_settings().login_window_seconds)
    recent = list(db.scalars(select(LoginAttempt.attempted_at).where(
        scope, LoginAttempt.attempted_at >= now - window, LoginAttempt.succeeded.is_(False),
    ).order_by(LoginAttempt.attempted_at.desc()).limit(limit)))
    if len(recent) < limit:
        return None
    wait = _aware(recent[-1]) + window - now
    return Throttle(max(1, math.ceil(wait.total_seconds())))


def _aware(value: dt.datetime) -> dt.datetime:
    # Aggregates (max) come back without the column type's UTC conversion on SQLite.
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def record(db: Session, *, email: str, ip: str, now: dt.datetime, succeeded: bool) -> None:
    db.add(LoginAttempt(email_normalized=email, ip=ip, attempted_at=now, succeeded=succeeded))
