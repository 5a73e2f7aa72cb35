"""A unique constraint that another request satisfied first, said as a 409 instead of a 500."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError

from app.errors import Conflict


@contextmanager
def taken_meanwhile(message: str, *, code: str) -> Iterator[None]:
    """Run the block's insert; a unique constraint it breaks means a concurrent request got
    there first (on SQLite the driver reads outside the write transaction, so even a read just
    before the insert can be stale): refused with `message` and `code`."""
    try:
        yield
    except IntegrityError as exc:
        raise Conflict(message, code=code) from exc
