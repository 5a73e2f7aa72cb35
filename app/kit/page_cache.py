"""Answers anonymous reads from memory while the data they were made from is unchanged.

A page or API answer that a visitor without an account gets (no session cookie, no bearer
token) depends only on its address, its language, its encoding and the shared data. It is kept
under those together with the data version (app/kit/data_version.py) that was current when it
was made, so any committed write, on any worker or server, makes the next request render anew:
nobody ever gets data older than the last write. A short time limit covers what changes
without a write (a deadline passing shows "closed" within `max_age` seconds).

Each kept answer carries a strong `ETag` (a hash of the bytes sent) and `Cache-Control:
no-cache`, so browsers and proxies revalidate every time and a repeat request with
`If-None-Match` costs one version lookup and a `304`. Concurrent misses of one key wait for the
first one's answer rather than all rendering the same page (a launch spike).

Never kept: anything signed in, any method but GET, any status but 200, an answer that sets a
cookie or says `no-store`/`private`, one whose request wrote data, and bodies over
`max_entry_bytes` (passed through as they stream).
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import anyio
from sqlalchemy import Engine
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.kit import data_version

Key = tuple[str, ...]
RawHeaders = list[tuple[bytes, bytes]]

_KEPT_TYPES = (b"text/html", b"application/json", b"application/atom+xml", b"text/csv",
               b"text/calendar", b"application/xml", b"text/xml", b"image/svg+xml")
# What else a kept answer was chosen by: a proxy must not give it to a signed-in browser.
_VARY = b"Accept-Encoding, Accept-Language, Cookie, Authorization"


class Batched:
    """Many concurrent callers, one read at a time, each caller answered by a read that started
    after it called (so it sees every write committed before its request arrived).

    Callers arriving while a read is running wait for the next one, which answers them all:
    under a crowd, one database round trip serves every request that arrived meanwhile.
    """

    def __init__(self, read: Callable[[], int]) -> None:
        self.read = read
        self.waiting: asyncio.Future[int] | None = None
        self.runner: asyncio.Task[None] | None = None

    async def __call__(self) -> int:
        if self.waiting is not None and self.waiting.get_loop() is not asyncio.get_running_loop():
            self.waiting = None  # left by an event loop that is gone (a test client's)
        if self.waiting is None:
            self.waiting = asyncio.get_running_loop().create_future()
        waiting = self.waiting
        if self.runner is None or self.runner.get_loop() is not waiting.get_loop():
            self.runner = asyncio.create_task(self._run())
        return await asyncio.shield(waiting)

    async def _run(self) -> None:
        try:
            while self.waiting is not None:
                batch, self.waiting = self.waiting, None  # later callers wait for the next read
                try:
                    batch.set_result(await anyio.to_thread.run_sync(self.read))
                except Exception as exc:  # every caller of this batch gets the error
                    batch.set_exception(exc)
        finally:
            self.runner = None


class VersionReader:
    """Reads the data version on one connection kept for the purpose (no pool checkout, no ORM).

    SQLite answers from a file this process has mapped, in microseconds: asked inline, on the
    event loop. A server database is a network round trip: asked on a worker thread, batched.
    """

    def __init__(self, engine: Callable[[], Engine]) -> None:
        self.engine = engine
        self.lock = threading.Lock()
        self.connection: Any = None
        self.batched = Batched(self.read)

    @property
    def inline(self) -> bool:
        return self.engine().dialect.name == "sqlite"

    def read(self) -> int:
        with self.lock:
            if self.connection is None:
                self.connection = self.engine().raw_connection()
            try:
                cursor = self.connection.cursor()
                try:
                    cursor.execute(data_version.READ_SQL)
                    row = cursor.fetchone()
                finally:
                    cursor.close()
                self.connection.commit()  # ends the read (PostgreSQL opened a transaction)
            except Exception:
                self.connection.invalidate()  # gone (a server restart): a new one next time
                self.connection = None
                raise
            return int(row[0]) if row else 0

    async def __call__(self) -> int:
        if self.inline:
            return self.read()
        return await self.batched()


@dataclass(frozen=True)
class Kept:
    version: int
    made_at: float
    headers: RawHeaders
    body: bytes
    etag: bytes


class Store:
    """Least recently used answers, bounded by their total size."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self.entries: OrderedDict[Key, Kept] = OrderedDict()

    def get(self, key: Key) -> Kept | None:
        kept = self.entries.get(key)
        if kept is not None:
            self.entries.move_to_end(key)
        return kept

    def put(self, key: Key, kept: Kept) -> None:
        self.drop(key)
        self.entries[key] = kept
        self.size += len(kept.body)
        while self.size > self.max_bytes and self.entries:
            _, oldest = self.entries.popitem(last=False)
            self.size -= len(oldest.body)

    def drop(self, key: Key) -> None:
        old = self.entries.pop(key, None)
        if old is not None:
            self.size -= len(old.body)


def is_anonymous(headers: Headers, session_cookies: tuple[str, ...]) -> bool:
    if "authorization" in headers:
        return False
    cookie = headers.get("cookie", "")
    return not any(f"{name}=" in cookie for name in session_cookies)


def _keepable(message: Message) -> bool:
    if message["status"] != 200:
        return False
    headers = Headers(raw=message["headers"])
    if "set-cookie" in headers:
        return False
    if any(word in headers.get("cache-control", "") for word in ("no-store", "private")):
        return False
    return headers.get("content-type", "").encode().startswith(_KEPT_TYPES)


def _etag(body: bytes) -> bytes:
    return b'"' + hashlib.blake2b(body, digest_size=12).hexdigest().encode() + b'"'


def _matches(if_none_match: str | None, etag: bytes) -> bool:
    if not if_none_match:
        return False
    wanted = etag.decode()
    return any(tag.strip().removeprefix("W/") in (wanted, "*")
               for tag in if_none_match.split(","))


class PageCacheMiddleware:
    def __init__(self, app: ASGIApp, *, engine: Callable[[], Engine],
                 session_cookies: tuple[str, ...], max_age: float = 30,
                 max_bytes: int = 32 * 1024 * 1024, max_entry_bytes: int = 1024 * 1024,
                 clock: Callable[[], float] = time.time) -> None:
        self.app = app
        self.engine = engine
        self.session_cookies = session_cookies
        self.max_age = max_age
        self.max_entry_bytes = max_entry_bytes
        self.clock = clock
        self.store = Store(max_bytes)
        self.version = VersionReader(engine)
        self.pending: dict[tuple[Key, int], asyncio.Future[Kept | None]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if not is_anonymous(headers, self.session_cookies) or scope["path"].startswith(
                ("/static/", "/healthz")):
            await self.app(scope, receive, send)
            return
        try:
            version = await self.version()
        except Exception:  # no version to check against (e.g. not migrated): serve uncached
            await self.app(scope, receive, send)
            return
        key = self._key(scope, headers)
        kept = self.store.get(key)
        if kept is not None and (kept.version != version
                                 or not 0 <= self.clock() - kept.made_at <= self.max_age):
            self.store.drop(key)
            kept = None
        if kept is None:
            pending = self.pending.get((key, version))
            if pending is not None:
                kept = await asyncio.shield(pending)
        if kept is not None:
            await self._send_kept(kept, headers, send)
            return
        await self._render(scope, receive, send, key, version, headers)

    def _key(self, scope: Scope, headers: Headers) -> Key:
        state = scope.get("state") or {}
        encoding = "gzip" if "gzip" in headers.get("accept-encoding", "") else ""
        return (scope.get("scheme", "http"), headers.get("host", ""), scope["path"],
                scope.get("query_string", b"").decode("latin-1"), str(state.get("locale", "")),
                encoding, headers.get("accept", ""))

    async def _send_kept(self, kept: Kept, request_headers: Headers, send: Send) -> None:
        if _matches(request_headers.get("if-none-match"), kept.etag):
            await send({"type": "http.response.start", "status": 304,
                        "headers": [(k, v) for k, v in kept.headers
                                    if k in (b"etag", b"cache-control", b"vary")]})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({"type": "http.response.start", "status": 200, "headers": kept.headers})
        await send({"type": "http.response.body", "body": kept.body})

    async def _render(self, scope: Scope, receive: Receive, send: Send, key: Key, version: int,
                      request_headers: Headers) -> None:
        future: asyncio.Future[Kept | None] = asyncio.get_running_loop().create_future()
        self.pending[(key, version)] = future
        writes: list[bool] = []
        token = data_version.request_writes.set(writes)
        start: Message | None = None
        chunks: list[bytes] = []
        size = 0
        passing_through = False

        async def capture(message: Message) -> None:
            nonlocal start, size, passing_through
            if passing_through:
                await send(message)
                return
            if message["type"] == "http.response.start":
                if _keepable(message):
                    start = message
                else:
                    passing_through = True
                    await send(message)
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if message.get("more_body", False) and size <= self.max_entry_bytes:
                return
            if message.get("more_body", False):  # too big to keep: stream the rest
                passing_through = True
                assert start is not None
                await send(start)
                await send({"type": "http.response.body", "body": b"".join(chunks),
                            "more_body": True})

        kept: Kept | None = None
        try:
            await self.app(scope, receive, capture)
            if start is not None and not passing_through:
                body = b"".join(chunks)
                etag = _etag(body)
                headers = [(k, v) for k, v in start["headers"]
                           if k not in (b"etag", b"cache-control", b"content-length", b"vary")]
                headers += [(b"content-length", str(len(body)).encode()), (b"etag", etag),
                            (b"cache-control", b"no-cache"), (b"vary", _VARY)]
                kept = Kept(version=version, made_at=self.clock(), headers=headers, body=body,
                            etag=etag)
                if not writes and len(body) <= self.max_entry_bytes:
                    self.store.put(key, kept)
                await self._send_kept(kept, request_headers, send)
        finally:
            data_version.request_writes.reset(token)
            if self.pending.get((key, version)) is future:
                del self.pending[(key, version)]
            future.set_result(kept if kept is not None and not writes else None)
