"""The database-backed sliding-window limiter (app/kit/rate_limit.py), on its own."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import session_factory
from app.errors import RateLimited
from app.kit import rate_limit
from app.kit.models import RateLimitHit
from tests.challenges.factories import Clock

T0 = dt.datetime(2030, 6, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The limiter's clock, frozen; tests move it instead of sleeping."""
    frozen = Clock(T0)
    monkeypatch.setattr(rate_limit, "clock", frozen.now)
    return frozen


def ask(db: Session, key: str = "user:1", *, action: str = "test.ask", limit: int = 3,
        window: dt.timedelta = rate_limit.HOUR) -> None:
    rate_limit.check_and_record(db, action=action, key=key, limit=limit, window=window,
                                what="questions")


def rows(db: Session, key: str = "user:1") -> int:
    return db.scalar(select(func.count()).select_from(RateLimitHit)
                     .where(RateLimitHit.key == key)) or 0


def test_the_limit_th_action_passes_and_the_next_is_refused(db: Session, clock: Clock) -> None:
    for _ in range(3):
        ask(db)
        clock.advance(minutes=1)
    with pytest.raises(RateLimited) as refused:
        ask(db)
    error = refused.value
    assert (error.status_code, error.code) == (429, "rate_limited")
    # The first action was at T0; it leaves the one-hour window 57 minutes from now.
    assert error.retry_after_seconds == 57 * 60
    assert error.headers == {"Retry-After": str(57 * 60)}
    assert error.message == ("Too many questions: the limit is 3 an hour. "
                             "Try again in 57 minutes.")


def test_a_refused_check_stores_nothing(db: Session, clock: Clock) -> None:
    for _ in range(3):
        ask(db)
    with pytest.raises(RateLimited):
        ask(db)
    assert rows(db) == 3


def test_other_keys_and_other_actions_count_separately(db: Session, clock: Clock) -> None:
    for _ in range(3):
        ask(db)
    ask(db, "user:2")
    ask(db, action="test.other")
    with pytest.raises(RateLimited):
        ask(db)


def test_the_window_slides_an_action_is_allowed_once_the_oldest_left(db: Session,
                                                                      clock: Clock) -> None:
    ask(db)
    clock.advance(minutes=20)
    ask(db)
    ask(db)
    clock.advance(minutes=39, seconds=59)
    with pytest.raises(RateLimited) as refused:
        ask(db)
    assert refused.value.retry_after_seconds == 1
    clock.advance(seconds=1)  # the first action is an hour old: out of the window
    ask(db)
    with pytest.raises(RateLimited) as again:
        ask(db)
    assert again.value.retry_after_seconds == 20 * 60  # until the second one leaves


def test_rows_out_of_the_window_are_pruned_on_the_next_check(db: Session, clock: Clock) -> None:
    for _ in range(3):
        ask(db)
    ask(db, "user:2")
    clock.advance(hours=2)
    ask(db)
    assert rows(db) == 1, "the three old rows of this key are gone, the new one counted"
    assert rows(db, "user:2") == 1, "another key's rows wait for that key's next check"


def test_the_count_is_shared_by_every_session_like_several_workers(settings: Settings,
                                                                    clock: Clock) -> None:
    make = session_factory(settings.database_url)
    for _ in range(3):
        with make() as worker:
            ask(worker)
            worker.commit()
    with make() as other_worker, pytest.raises(RateLimited):
        ask(other_worker)


def test_a_rolled_back_action_is_not_counted(settings: Settings, clock: Clock) -> None:
    make = session_factory(settings.database_url)
    for _ in range(5):
        with make() as request:
            ask(request)
            request.rollback()  # the action failed: its unit of work stored nothing
    with make() as request:
        assert rows(request) == 0


def test_a_limit_of_zero_refuses_everything_for_a_whole_window(db: Session,
                                                                clock: Clock) -> None:
    with pytest.raises(RateLimited) as refused:
        ask(db, limit=0, window=rate_limit.DAY)
    assert refused.value.retry_after_seconds == 24 * 3600
    assert "the limit is 0 a day. Try again in 24 hours." in refused.value.message


@pytest.mark.parametrize(("seconds", "words"), [
    (1, "1 second"), (119, "119 seconds"), (120, "2 minutes"), (121, "3 minutes"),
    (3600, "60 minutes"), (7200, "2 hours"), (86400, "24 hours"), (2 * 86400, "2 days"),
])
def test_the_wait_is_told_in_words(seconds: int, words: str) -> None:
    assert rate_limit.duration(seconds) == words


def test_an_unusual_window_is_named_in_the_message() -> None:
    message = rate_limit.refusal_message(what="uploads", limit=5,
                                         window=dt.timedelta(minutes=15), retry_after_seconds=30)
    assert message == "Too many uploads: the limit is 5 every 15 minutes. Try again in 30 seconds."
