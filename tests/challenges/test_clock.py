"""`clock.as_of`: the challenge services act as of an earlier moment inside the block only, in
aware UTC, never as of the future, and never for another thread (a request served meanwhile)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from app.challenges import clock
from app.db import utcnow

EARLIER = dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.UTC)


def test_now_is_the_real_time_outside_as_of() -> None:
    before = utcnow()
    now = clock.now()
    assert before <= now <= utcnow() and now.utcoffset() == dt.timedelta(0)


def test_as_of_sets_the_moment_in_utc_and_restores_the_real_time_after() -> None:
    summer = dt.timezone(dt.timedelta(hours=2))
    with clock.as_of(EARLIER.astimezone(summer)) as at:
        assert at == EARLIER and at.tzinfo == dt.UTC
        assert clock.now() == EARLIER and clock.now().tzinfo == dt.UTC
        with clock.as_of(EARLIER - dt.timedelta(days=3)):
            assert clock.now() == EARLIER - dt.timedelta(days=3)
        assert clock.now() == EARLIER
    assert utcnow() - clock.now() < dt.timedelta(seconds=5)


def test_as_of_restores_the_real_time_when_the_block_fails() -> None:
    with pytest.raises(RuntimeError), clock.as_of(EARLIER):
        raise RuntimeError("a service refused")
    assert clock.now() > EARLIER + dt.timedelta(days=365)


def test_as_of_refuses_naive_times_and_the_future() -> None:
    with pytest.raises(ValueError, match="aware"), clock.as_of(dt.datetime(2024, 5, 6)):  # noqa: DTZ001
        pass
    with pytest.raises(ValueError, match="past"), clock.as_of(utcnow() + dt.timedelta(hours=1)):
        pass


def test_another_thread_reads_the_real_time_meanwhile() -> None:
    seen: list[dt.datetime] = []
    with clock.as_of(EARLIER):
        worker = threading.Thread(target=lambda: seen.append(clock.now()))
        worker.start()
        worker.join()
        assert clock.now() == EARLIER
    assert utcnow() - seen[0] < dt.timedelta(seconds=5)
