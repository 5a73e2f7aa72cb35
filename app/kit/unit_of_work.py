"""One database session per request, committed at the request boundary.

The session is opened by an ASGI middleware and committed just before the response starts, so
a failed commit still turns into an error response. Commit, rollback and close run on their own
thread limiter: endpoints waiting in the shared thread pool for a pooled connection can never
starve the teardown that would give one back (the deadlock of a synchronous `yield` dependency
under 64+ concurrent connections).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Annotated, Any

import anyio
from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.kit.openapi import document_errors

log = logging.getLogger("valleycross.db")

_TEARDOWN_LIMITER: anyio.CapacityLimiter | None = None
THREADS_PER_WORKER = 40  # anyio's default thread limiter, which runs sync endpoints


def _teardown_limiter() -> anyio.CapacityLimiter:
    global _TEARDOWN_LIMITER
    if _TEARDOWN_LIMITER is None:
        _TEARDOWN_LIMITER = anyio.CapacityLimiter(64)
    return _TEARDOWN_LIMITER


@dataclass
class UnitOfWork:
    """The request's session plus whether its writes are kept even on an error answer."""

    session: Session
    state: dict[str, object]

    @property
    def keep_on_error(self) -> bool:
        return bool(self.state.get("commit_on_error", False))

    def finish(self, *, keep: bool) -> None:
        """Commit (keep) or roll back now, giving the pooled connection back."""
        if keep:
            self.session.commit()
        else:
            self.session.rollback()


_current: ContextVar[UnitOfWork | None] = ContextVar("unit_of_work", default=None)


def current_unit_of_work() -> UnitOfWork | None:
    """The running request's unit of work (context variables follow into worker threads)."""
    return _current.get()


def concurrent_requests(session: Session) -> int:
    """How many requests a worker may have working with the database at once.

    FastAPI runs a synchronous dependency and the endpoint in two different pool threads; the
    connection the dependency checked out stays out in between. With more such requests than
    threads and connections, each thread can end up waiting for a connection held by a request
    that waits for a thread: the worker stands still until the pool's timeout turns them into
    500s (seen in the deadline rush). A request holds at most two connections at once (its own
    and the sign-in lookup's), so half the pool, and never more than there are threads, keeps
    every waiting request's needs within reach. One connection stays out for the page cache's
    version reads."""
    pool: Any = getattr(session.get_bind(), "pool", None)
    size = getattr(pool, "size", None)
    if not callable(size):  # a pool without a fixed size (e.g. NullPool): threads bound it
        connections = 2 * THREADS_PER_WORKER
    else:
        connections = int(size()) + max(0, int(getattr(pool, "_max_overflow", 0))) - 1
    threads = int(anyio.to_thread.current_default_thread_limiter().total_tokens)
    return max(1, min(threads, connections // 2))


class DBSessionMiddleware:
    def __init__(self, app: ASGIApp, session_maker: Callable[[], Callable[[], Session]]) -> None:
        self.app = app
        self.session_maker = session_maker
        self.slots: anyio.Semaphore | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        session = self.session_maker()()
        if self.slots is None:
            self.slots = anyio.Semaphore(concurrent_requests(session))
        slots = self.slots
        await slots.acquire()
        holding = True

        def give_back_slot() -> None:
            nonlocal holding
            if holding:
                holding = False
                slots.release()

        state = scope.setdefault("state", {})
        state["db"] = session
        token = _current.set(UnitOfWork(session=session, state=state))
        replaced = False
        started = False

        async def send_with_commit(message: Message) -> None:
            nonlocal replaced, started
            if replaced:
                return
            if message["type"] == "http.response.start" and not started:
                started = True
                keep = message["status"] < 400 or state.get("commit_on_error", False)
                try:
                    if session.in_transaction():  # else the endpoint's thread finished it
                        await anyio.to_thread.run_sync(
                            session.commit if keep else session.rollback,
                            limiter=_teardown_limiter(),
                        )
                except Exception:
                    log.exception("commit failed on %s %s", scope.get("method"), scope.get("path"))
                    replaced = True
                    give_back_slot()
                    await _send_error(send, scope)
                    return
                # The endpoint is done: a slow reader of the body must not keep others waiting.
                give_back_slot()
            await send(message)

        try:
            await self.app(scope, receive, send_with_commit)
        finally:
            give_back_slot()
            _current.reset(token)
            if session.in_transaction():
                await anyio.to_thread.run_sync(session.close, limiter=_teardown_limiter())
            else:  # holds no connection: closing it does no I/O, no thread needed
                session.close()


async def _send_error(send: Send, scope: Scope) -> None:
    body = json.dumps({"error": {"code": "internal_error",
                                 "message": "Something went wrong on our side.",
                                 "fields": {}}}).encode()
    await send({"type": "http.response.start", "status": 500,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


# A write can find that another request changed or removed its record after it was read
# (SQLite has no row locks to make it wait): app.errors answers 409 changed_meanwhile.
@document_errors(409, methods={"POST", "PUT", "PATCH", "DELETE"})
async def get_db(request: Request) -> Session:
    """The request's session (opened by DBSessionMiddleware)."""
    session: Session = request.state.db
    return session


SessionDep = Annotated[Session, Depends(get_db)]


def keep_changes_on_error(request: Request) -> None:
    """Commit this request's writes even though it answers with an error (e.g. a failed login)."""
    request.state.commit_on_error = True
