"""Anonymous answers kept per data version: a committed write, from any worker, is seen on the
next request; signed-in pages, cookies, errors and writing requests are never kept."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session
from starlette.types import Receive, Scope, Send

from app.accounts.models import Role
from app.config import Settings
from app.db import get_engine
from app.inventory.models import Mechanism, MechanismKind
from app.kit import data_version
from app.kit.page_cache import Batched, PageCacheMiddleware
from app.main import create_app
from tests.concurrency import run_async
from tests.factories import make_user, token_for


class Counting:
    """An ASGI app that answers what it is told and counts how often it was asked."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.calls = 0
        self.status = 200
        self.headers: list[tuple[bytes, bytes]] = []
        self.write = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.calls += 1
        if self.write:
            with self.engine.begin() as conn:
                conn.execute(text("INSERT INTO rate_limit_hits (action, key, at) "
                                  "VALUES ('x', 'y', CURRENT_TIMESTAMP)"))
                conn.execute(text("UPDATE countries SET name_en = name_en WHERE alpha3 = 'NPL'"))
        body = f"render {self.calls}".encode()
        await send({"type": "http.response.start", "status": self.status,
                    "headers": [(b"content-type", b"text/html; charset=utf-8"), *self.headers]})
        await send({"type": "http.response.body", "body": body})


class Clock:
    def __init__(self) -> None:
        self.at = 1_000_000.0

    def __call__(self) -> float:
        return self.at


@pytest.fixture
def engine(settings: Settings) -> Engine:
    return get_engine(settings.database_url)


@pytest.fixture
def inner(engine: Engine) -> Counting:
    return Counting(engine)


@pytest.fixture
def wall() -> Clock:
    return Clock()


@pytest.fixture
def cached(engine: Engine, inner: Counting, wall: Clock) -> TestClient:
    middleware = PageCacheMiddleware(inner, engine=lambda: engine,
                                     session_cookies=("vc_session",), max_age=30, clock=wall)
    return TestClient(middleware)  # not entered: the counting app has no lifespan


def version(engine: Engine) -> int:
    with engine.connect() as conn:
        return data_version.read(conn)


def test_a_repeat_anonymous_get_is_answered_from_memory_with_an_etag(
        cached: httpx.Client, inner: Counting) -> None:
    first = cached.get("/page")
    again = cached.get("/page")
    assert (first.text, again.text, inner.calls) == ("render 1", "render 1", 1)
    assert first.headers["etag"] == again.headers["etag"]
    assert first.headers["cache-control"] == "no-cache"
    revalidated = cached.get("/page", headers={"if-none-match": first.headers["etag"]})
    assert (revalidated.status_code, revalidated.content) == (304, b"")
    assert revalidated.headers["etag"] == first.headers["etag"]
    stale = cached.get("/page", headers={"if-none-match": '"something-else"'})
    assert (stale.status_code, stale.text) == (200, "render 1")
    # Another address, language or encoding is another answer.
    assert cached.get("/page?p=2").text == "render 2"
    assert cached.get("/page", headers={"accept-language": "zh"}).text == "render 1"
    assert cached.get("/page", headers={"accept-encoding": "identity"}).text == "render 3"


def test_any_committed_write_makes_the_next_request_render_again(
        cached: httpx.Client, inner: Counting, engine: Engine, db: Session) -> None:
    assert cached.get("/page").text == "render 1"
    before = version(engine)
    db.add(Mechanism(name="New in the inventory", kind=MechanismKind.FUND, hosts=[],
                     sources=[]))
    db.commit()
    assert version(engine) == before + 1
    assert cached.get("/page").text == "render 2"
    # A Core statement outside the ORM moves it too, and so does a compare-and-set.
    with engine.begin() as conn:
        conn.execute(text("UPDATE mechanisms SET name = 'Renamed'"))
    assert version(engine) == before + 2
    assert cached.get("/page").text == "render 3"
    assert cached.get("/page").text == "render 3"


def test_a_rolled_back_write_or_one_nobody_sees_keeps_the_version(
        engine: Engine, db: Session) -> None:
    before = version(engine)
    db.add(Mechanism(name="Never kept", kind=MechanismKind.FUND, hosts=[], sources=[]))
    db.flush()
    db.rollback()
    with engine.begin() as conn:  # a throttling counter appears on no page
        conn.execute(text("INSERT INTO rate_limit_hits (action, key, at) "
                          "VALUES ('signup', 'ip:1', CURRENT_TIMESTAMP)"))
    assert db.scalars(select(Mechanism)).all() == []
    assert version(engine) == before


@pytest.mark.parametrize(("statement", "table"), [
    ('INSERT INTO "mechanisms" (name) VALUES (?)', "mechanisms"),
    ("insert or replace into needs values (1)", "needs"),
    ("  UPDATE challenges SET state = 'open' WHERE id = 1 AND state = 'draft'", "challenges"),
    ("DELETE FROM user_sessions WHERE id = 3", "user_sessions"),
    ("SELECT * FROM mechanisms", None),
    ("WITH x AS (SELECT 1) SELECT * FROM x", None),
])
def test_the_written_table_is_read_off_the_statement(statement: str, table: str | None) -> None:
    assert data_version.written_table(statement) == table


def test_signed_in_requests_errors_cookies_and_writes_are_never_kept(
        cached: httpx.Client, inner: Counting) -> None:
    for headers in ({"authorization": "Bearer abc"}, {"cookie": "vc_session=signed.value"}):
        cached.get("/page", headers=headers)
        cached.get("/page", headers=headers)
    assert inner.calls == 4
    inner.headers = [(b"set-cookie", b"csrf=1")]
    assert [cached.get("/c").text for _ in range(2)] == ["render 5", "render 6"]
    inner.headers = [(b"cache-control", b"private")]
    assert [cached.get("/p").text for _ in range(2)] == ["render 7", "render 8"]
    inner.headers, inner.status = [], 404
    assert [cached.get("/e").text for _ in range(2)] == ["render 9", "render 10"]
    inner.status, inner.write = 200, True
    assert [cached.get("/w").text for _ in range(2)] == ["render 11", "render 12"]
    assert cached.post("/page").text == "render 13"


def test_a_kept_answer_is_not_shown_past_its_age(cached: httpx.Client, inner: Counting,
                                                 wall: Clock) -> None:
    assert cached.get("/page").text == "render 1"
    wall.at += 30
    assert cached.get("/page").text == "render 1"
    wall.at += 1
    assert cached.get("/page").text == "render 2"
    wall.at -= 3600  # a clock moved back (tests do): not trusted either
    assert cached.get("/page").text == "render 3"


def test_concurrent_misses_of_one_page_render_it_once(engine: Engine) -> None:
    renders = 0

    async def slow(scope: Scope, receive: Receive, send: Send) -> None:
        nonlocal renders
        renders += 1
        await asyncio.sleep(0.2)
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": b"[1, 2, 3]"})

    middleware = PageCacheMiddleware(slow, engine=lambda: engine,
                                     session_cookies=("vc_session",))

    async def crowd() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=middleware)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return list(await asyncio.gather(*(client.get("/list") for _ in range(20))))

    answers = run_async(crowd())
    assert {(a.status_code, a.text) for a in answers} == {(200, "[1, 2, 3]")}
    assert renders == 1


def test_batched_version_reads_answer_each_caller_with_a_read_begun_after_it_asked() -> None:
    begun: list[float] = []

    def read() -> int:  # a database round trip; answers which read this was
        begun.append(time.monotonic())
        time.sleep(0.02)
        return len(begun)

    batched = Batched(read)
    answers: list[tuple[float, int]] = []

    async def caller(delay: float) -> None:
        await asyncio.sleep(delay)
        asked = time.monotonic()
        answers.append((asked, await batched()))

    async def crowd() -> None:
        await asyncio.gather(*(caller(i * 0.002) for i in range(100)))

    run_async(crowd())
    assert len(answers) == 100
    assert len(begun) < 20  # one round trip served many requests
    for asked, read_number in answers:
        assert begun[read_number - 1] >= asked  # never a read older than the request


# Through the platform itself: two app instances on one database stand for two workers (or
# two servers); each keeps its own memory, and the database's version is what they share.

@pytest.fixture
def second_worker(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), raise_server_exceptions=False) as other:
        yield other


def test_a_write_through_one_worker_is_seen_on_the_next_request_to_another(
        client: TestClient, second_worker: TestClient, db: Session) -> None:
    make_user(db, roles=[Role.CURATOR], email="curator@example.org")
    assert "Wind pumps for villages" not in second_worker.get("/inventory").text
    assert "Wind pumps for villages" not in second_worker.get("/api/v1/mechanisms").text
    headers = token_for(client, "curator@example.org")
    made = client.post("/api/v1/mechanisms", json={"name": "Wind pumps for villages",
                                                   "kind": "programme"}, headers=headers)
    assert made.status_code == 201, made.text
    assert "Wind pumps for villages" in second_worker.get("/inventory").text
    assert "Wind pumps for villages" in second_worker.get("/api/v1/mechanisms").text
    # The writer reads its own write at once, signed in or not.
    assert "Wind pumps for villages" in client.get("/inventory", headers=headers).text
    assert "Wind pumps for villages" in client.get("/inventory").text


def test_public_pages_are_compressed_revalidated_and_set_no_cookie(
        client: TestClient, db: Session) -> None:
    for path in ("/", "/challenges", "/inventory", "/gaps", "/coordination",
                 "/api/v1/challenges", "/api/v1/mechanisms", "/api/v1/gaps"):
        first = client.get(path, headers={"accept-encoding": "gzip"})
        assert first.status_code == 200, path
        assert "set-cookie" not in first.headers, path
        assert not client.cookies, path
        assert first.headers["etag"] and first.headers["cache-control"] == "no-cache", path
        repeat = client.get(path, headers={"accept-encoding": "gzip",
                                           "if-none-match": first.headers["etag"]})
        assert repeat.status_code == 304, path
    big = client.get("/gaps", headers={"accept-encoding": "gzip"})
    assert big.headers["content-encoding"] == "gzip"
    assert int(big.headers["content-length"]) < len(big.content) / 2
