"""A sliding-window rate limiter kept in the database (OWASP ASVS 2.4.1 anti-automation).

Every counted action leaves one row in `rate_limit_hits` (action, client key, time). Before the
action, the rows of that action and key still inside the window are counted: at the limit the
action is refused with `RateLimited` (429 with `Retry-After`), otherwise one row is added. The
count lives in the database, not in process memory, so it holds across several worker processes,
on SQLite and PostgreSQL alike.

The row is written in the request's own transaction, so only actions that succeed are counted:
an error answer rolls it back with everything else, and a refused request stores nothing. Two
requests racing at the very limit may both pass (each counts before the other commits); for
anti-automation one extra action is harmless, and it spares a lock on every request.

The rows of the same action and key that left the window are deleted on every check (a range of
the index), so a client that keeps acting never has more than `limit` rows; one that never comes
back leaves at most `limit` rows, no more than the things those actions stored.
"""

from __future__ import annotations

import datetime as dt
import math

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.errors import RateLimited
from app.i18n.translate import N_, translatable
from app.kit.models import RateLimitHit

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


def clock() -> dt.datetime:
    """The limiter's clock (tests move time by replacing it)."""
    return utcnow()


def check_and_record(db: Session, *, action: str, key: str, limit: int, window: dt.timedelta,
                     what: str) -> None:
    """Count one `action` by `key`, or raise `RateLimited` if `limit` were passed in `window`.

    `what` names the counted things for the message: "questions", "sign-ups from this address".
    """
    now = clock()
    start = now - window
    db.execute(delete(RateLimitHit).where(
        RateLimitHit.action == action, RateLimitHit.key == key, RateLimitHit.at <= start))
    recent = list(db.scalars(
        select(RateLimitHit.at)
        .where(RateLimitHit.action == action, RateLimitHit.key == key, RateLimitHit.at > start)
        .order_by(RateLimitHit.at.desc()).limit(max(limit, 0))))
    if len(recent) >= limit:
        # Allowed again when the oldest of the counted actions leaves the window.
        wait = recent[-1] + window - now if recent else window
        seconds = max(1, math.ceil(wait.total_seconds()))
        raise RateLimited(refusal_message(what=what, limit=limit, window=window,
                                          retry_after_seconds=seconds),
                          retry_after_seconds=seconds)
    db.add(RateLimitHit(action=action, key=key, at=now))
    db.flush()


def refusal_message(*, what: str, limit: int, window: dt.timedelta,
                    retry_after_seconds: int) -> str:
    """E.g. "Too many questions: the limit is 20 a day. Try again in 3 hours." (a page shows it
    in its language; `what` too when the caller marked it with `N_`)."""
    return translatable("Too many %(what)s: the limit is %(limit)s %(per)s. "
                        "Try again in %(wait)s.", what=translatable(what), limit=limit,
                        per=_per(window), wait=duration(retry_after_seconds))


def _per(window: dt.timedelta) -> str:
    if window == HOUR:
        return translatable("an hour")
    if window == DAY:
        return translatable("a day")
    return translatable("every %(duration)s", duration=duration(
        math.ceil(window.total_seconds())))


def duration(seconds: int) -> str:
    """A wait in words, rounded up to the unit a person would use."""
    for unit, size, up_to in (("second", 1, 120), ("minute", 60, 120 * 60),
                              ("hour", 3600, 48 * 3600)):
        if seconds < up_to:
            return _plural(math.ceil(seconds / size), unit)
    return _plural(math.ceil(seconds / 86400), "day")


def _plural(n: int, unit: str) -> str:
    # Whole templates per unit, so the catalogs hold each ("%(n)s hours": "%(n)s 小时").
    templates = {"second": (N_("%(n)s second"), N_("%(n)s seconds")),
                 "minute": (N_("%(n)s minute"), N_("%(n)s minutes")),
                 "hour": (N_("%(n)s hour"), N_("%(n)s hours")),
                 "day": (N_("%(n)s day"), N_("%(n)s days"))}
    one, many = templates[unit]
    return translatable(one if n == 1 else many, n=n)
