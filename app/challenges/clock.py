"""The one clock the challenge services read (tests move time by replacing `now`).

`as_of` makes the services act as of an earlier moment, for records that belong to the past:
back-dated demonstration data (`app/judging/seed.py`: a challenge that opened and closed weeks
ago) and imports of challenges run elsewhere. Every rule still applies, checked against that
moment, so nothing is written that the services would not have accepted then. It is a context
variable: it holds only inside the `with` block of the thread (or task) that entered it, so a
request served meanwhile, even by the same process, still reads the real time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from app.db import utcnow

_as_of: ContextVar[dt.datetime | None] = ContextVar("challenge_clock_as_of", default=None)


def now() -> dt.datetime:
    """The current moment (aware UTC), or the earlier one an enclosing `as_of` set."""
    moment = _as_of.get()
    return utcnow() if moment is None else moment


@contextmanager
def as_of(moment: dt.datetime) -> Iterator[dt.datetime]:
    """Run the challenge services as of `moment` (aware, not in the future) within the block;
    yields it in UTC."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("as_of needs an aware datetime")
    at = moment.astimezone(dt.UTC)
    # Only the past: acting as of a future moment would close submissions before their time.
    if at > utcnow():
        raise ValueError("as_of is for moments in the past")
    token = _as_of.set(at)
    try:
        yield at
    finally:
        _as_of.reset(token)
