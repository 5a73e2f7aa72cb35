"""The one clock the challenge services read (tests move time by replacing `now`)."""

from __future__ import annotations

import datetime as dt

from app.db import utcnow


def now() -> dt.datetime:
    return utcnow()
