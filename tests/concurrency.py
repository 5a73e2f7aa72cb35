"""Two transactions at once: the first held open in the test's session, the second in a thread
on a session of its own, so a test can see the second wait for the first (PostgreSQL row and
advisory locks) and then look at what it did."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import pytest
import sqlalchemy
from sqlalchemy.orm import Session, sessionmaker

import app.db
from app.db import session_factory

T = TypeVar("T")


class Second:
    """The second change, run in a thread on its own session; `outcome` is its result or the
    exception it raised."""

    def __init__(self, url: str, change: Callable[[Session], Any]) -> None:
        self.outcome: Any = None
        self._url, self._change = url, change
        self._thread = threading.Thread(target=self._run)
        self._thread.start()

    def _run(self) -> None:
        with session_factory(self._url)() as session:
            try:
                self.outcome = self._change(session)
                session.commit()
            except Exception as exc:  # the test looks at what it was
                self.outcome = exc

    def is_waiting(self) -> bool:
        self._thread.join(timeout=1.0)
        return self._thread.is_alive()

    def finish(self) -> Any:
        self._thread.join(timeout=30)
        assert not self._thread.is_alive()
        return self.outcome


def meanwhile(url: str, change: Callable[[Session], Any]) -> Any:
    """Another request's change, made and committed on a session of its own between what the
    test's session read and what it writes next (the race a compare-and-set must catch)."""
    with session_factory(url)() as session:
        outcome = change(session)
        session.commit()
        return outcome


# A worker in miniature, for crowds: its thread pool and connection pool both this small, as the
# server's are 40 each. A request that deadlocks threads against connections waits out
# POOL_WAIT_SECONDS (far longer than any request here takes) and answers 500.
THREADS = CONNECTIONS = 2
POOL_WAIT_SECONDS = 5.0


def small_pool(monkeypatch: pytest.MonkeyPatch, url: str) -> sessionmaker[Session]:
    """Sessions on an engine built as the app builds it, with CONNECTIONS in its pool."""
    def create_engine(url: str, **options: Any) -> sqlalchemy.Engine:
        return sqlalchemy.create_engine(url, **{**options, "pool_size": CONNECTIONS,
                                                "max_overflow": 0,
                                                "pool_timeout": POOL_WAIT_SECONDS})

    monkeypatch.setattr(app.db, "create_engine", create_engine)
    return sessionmaker(bind=app.db.make_engine(url), expire_on_commit=False, autoflush=True)


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run` in a thread of its own. Once a browser journey ran in a test worker, the
    session's Playwright (sync API) keeps an event loop running in the worker's main thread,
    where `asyncio.run` refuses to start."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
