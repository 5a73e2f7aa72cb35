"""Sign-in throttling per account and client: a stranger's guesses never lock the owner out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.accounts import auth, throttle
from app.errors import NotAuthenticated, TooManyRequests
from app.kit import rate_limit
from tests.factories import PASSWORD, csrf_from, make_user

START = dt.datetime(2031, 5, 1, 9, 0, tzinfo=dt.UTC)


class Limiter:
    """The limiter's clock, moved by the test."""

    def __init__(self) -> None:
        self.now = START

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def limiter(monkeypatch: pytest.MonkeyPatch) -> Limiter:
    moved = Limiter()
    monkeypatch.setattr(rate_limit, "clock", lambda: moved.now)
    return moved


def _fail(db: Session, email: str, ip: str) -> None:
    with pytest.raises(NotAuthenticated):
        auth.authenticate(db, email=email, password="not the password!", ip=ip)


def test_a_strangers_failures_do_not_lock_the_owner_out(db: Session, limiter: Limiter) -> None:
    owner = make_user(db)
    for _ in range(5):
        _fail(db, owner.email or "", "203.0.113.66")
    # The stranger's client now waits ...
    with pytest.raises(TooManyRequests):
        auth.authenticate(db, email=owner.email or "", password=PASSWORD, ip="203.0.113.66")
    # ... the owner, from their own client, signs in at once.
    assert auth.authenticate(db, email=owner.email or "", password=PASSWORD,
                             ip="198.51.100.7").id == owner.id


def test_backoff_doubles_per_further_failure_and_is_capped(db: Session,
                                                           limiter: Limiter) -> None:
    user = make_user(db)
    email, ip = user.email or "", "203.0.113.5"
    for _ in range(4):
        _fail(db, email, ip)
    _fail(db, email, ip)  # the fifth: now a 30-second wait
    waits = []
    for _ in range(8):
        with pytest.raises(TooManyRequests) as refused:
            auth.authenticate(db, email=email, password=PASSWORD, ip=ip)
        wait = int(refused.value.headers["Retry-After"])
        waits.append(wait)
        limiter.advance(wait)
        _fail(db, email, ip)  # allowed once the wait is over, and wrong again
    assert waits == [30, 60, 120, 240, 480, 900, 900, 900]


def test_retry_after_says_when_and_the_wait_ends(db: Session, limiter: Limiter) -> None:
    user = make_user(db)
    for _ in range(5):
        _fail(db, user.email or "", "203.0.113.9")
    limiter.advance(20)
    with pytest.raises(TooManyRequests) as refused:
        auth.authenticate(db, email=user.email or "", password=PASSWORD, ip="203.0.113.9")
    assert refused.value.headers["Retry-After"] == "10"
    assert "Try again in 10 seconds" in refused.value.message
    assert "/login/link" in refused.value.message
    limiter.advance(10)
    assert auth.authenticate(db, email=user.email or "", password=PASSWORD,
                             ip="203.0.113.9").id == user.id


def test_a_success_clears_the_pairs_failures(db: Session, limiter: Limiter) -> None:
    user = make_user(db)
    email, ip = user.email or "", "203.0.113.10"
    for _ in range(4):
        _fail(db, email, ip)
    auth.authenticate(db, email=email, password=PASSWORD, ip=ip)
    limiter.advance(1)
    for _ in range(4):  # four more failures: still under the threshold after the success
        _fail(db, email, ip)
    assert throttle.check(db, email=email, ip=ip, now=limiter.now) is None


def test_one_address_trying_many_accounts_is_held_back(db: Session, limiter: Limiter) -> None:
    owner = make_user(db)
    for n in range(20):
        _fail(db, f"nobody{n}@example.org", "203.0.113.77")
    with pytest.raises(TooManyRequests):
        auth.authenticate(db, email=owner.email or "", password=PASSWORD, ip="203.0.113.77")
    limiter.advance(15 * 60 + 1)
    assert auth.authenticate(db, email=owner.email or "", password=PASSWORD,
                             ip="203.0.113.77").id == owner.id


def test_many_addresses_guessing_one_account_hold_back_only_clients_it_has_not_seen(
        db: Session, limiter: Limiter) -> None:
    owner = make_user(db)
    email = owner.email or ""
    auth.authenticate(db, email=email, password=PASSWORD, ip="198.51.100.7")  # the owner's own
    for n in range(99):  # a botnet: one try from each address, none of them back-off yet
        _fail(db, email, f"10.0.{n // 250}.{n % 250}")
    # One under the ceiling: a new client still gets in with the right password ...
    assert auth.authenticate(db, email=email, password=PASSWORD, ip="192.0.2.1").id == owner.id
    _fail(db, email, "10.9.9.9")  # ... the hundredth failure reaches it
    with pytest.raises(TooManyRequests):
        auth.authenticate(db, email=email, password=PASSWORD, ip="192.0.2.200")
    # The owner's browsers (clients that signed in before) are never held back.
    for known in ("198.51.100.7", "192.0.2.1"):
        assert auth.authenticate(db, email=email, password=PASSWORD, ip=known).id == owner.id
    limiter.advance(15 * 60 + 1)
    assert auth.authenticate(db, email=email, password=PASSWORD, ip="192.0.2.200").id == owner.id


@pytest.fixture
def stranger(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False, client=("203.0.113.66", 4000)) as c:
        yield c


def test_login_page_throttles_only_the_guessing_client(client: TestClient, stranger: TestClient,
                                                       db: Session, limiter: Limiter) -> None:
    owner = make_user(db)
    token = csrf_from(stranger.get("/login").text)
    for _ in range(5):
        stranger.post("/login", data={"email": owner.email, "password": "guess guess 1",
                                      "csrf_token": token})
    blocked = stranger.post("/login", data={"email": owner.email, "password": PASSWORD,
                                            "csrf_token": token}, follow_redirects=False)
    assert blocked.status_code == 429 and blocked.headers["retry-after"] == "30"
    assert "Try again in 30 seconds" in blocked.text
    assert 'href="/login/link"' in blocked.text and "Email me a sign-in link" in blocked.text
    mine = client.post("/login", data={"email": owner.email, "password": PASSWORD,
                                       "csrf_token": csrf_from(client.get("/login").text)},
                       follow_redirects=False)
    assert mine.status_code == 303, "the owner's own client is not held back"
    api = stranger.post("/api/v1/auth/tokens",
                        json={"name": "x", "email": owner.email, "password": PASSWORD})
    assert api.status_code == 429 and "/login/link" in api.json()["error"]["message"]
