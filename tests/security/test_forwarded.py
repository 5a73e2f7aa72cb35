"""X-Forwarded-For is believed only from a configured proxy (TRUSTED_PROXIES, empty by default):
otherwise any local process could pick the address that sign-in throttles, rate limits and the
audit log see."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.config import Settings, get_settings
from tests.factories import PASSWORD, csrf_from, make_user

PROXY = "10.0.0.5"


def _failed_login_ips(client: TestClient, db: Session, email: str, **headers: str) -> list[str]:
    token = csrf_from(client.get("/login").text)
    client.post("/login", data={"email": email, "password": "wrong wrong wrong",
                                "csrf_token": token}, headers=headers)
    db.expire_all()
    return [ip or "" for ip in db.scalars(select(AuditEvent.ip).where(
        AuditEvent.event == "login.failed").order_by(AuditEvent.id))]


def _client(app: FastAPI, host: str) -> TestClient:
    return TestClient(app, raise_server_exceptions=False, client=(host, 40000))


def test_forwarded_for_from_loopback_is_ignored_by_default(app: FastAPI, db: Session) -> None:
    user = make_user(db)
    with _client(app, "127.0.0.1") as local:
        ips = _failed_login_ips(local, db, user.email or "", **{"X-Forwarded-For": "203.0.113.9"})
    assert ips == ["127.0.0.1"]


@pytest.fixture
def proxied_app(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[FastAPI]:
    from app.main import create_app

    monkeypatch.setenv("TRUSTED_PROXIES", f"{PROXY}, 192.168.0.0/24")
    get_settings.cache_clear()
    yield create_app(get_settings())
    get_settings.cache_clear()


def test_forwarded_for_is_honoured_only_from_a_configured_proxy(proxied_app: FastAPI,
                                                                db: Session) -> None:
    user = make_user(db)
    with _client(proxied_app, PROXY) as proxy:
        ips = _failed_login_ips(proxy, db, user.email or "",
                                **{"X-Forwarded-For": "198.51.100.1, 203.0.113.9"})
    # The right-most address the proxy added is the client; what the client wrote is not.
    assert ips == ["203.0.113.9"]
    with _client(proxied_app, "10.0.0.6") as stranger:
        ips = _failed_login_ips(stranger, db, user.email or "",
                                **{"X-Forwarded-For": "203.0.113.50"})
    assert ips[-1] == "10.0.0.6"
    with _client(proxied_app, "192.168.0.77") as in_network:
        ips = _failed_login_ips(in_network, db, user.email or "",
                                **{"X-Forwarded-For": "203.0.113.51"})
    assert ips[-1] == "203.0.113.51"


def test_throttling_counts_each_client_behind_the_proxy(proxied_app: FastAPI,
                                                        db: Session) -> None:
    user = make_user(db)
    with _client(proxied_app, PROXY) as proxy:
        token = csrf_from(proxy.get("/login").text)
        guesser = {"X-Forwarded-For": "203.0.113.66"}
        for _ in range(5):
            proxy.post("/login", headers=guesser, data={
                "email": user.email, "password": "wrong wrong wrong", "csrf_token": token})
        data = {"email": user.email, "password": PASSWORD, "csrf_token": token}
        assert proxy.post("/login", headers=guesser, data=data,
                          follow_redirects=False).status_code == 429
        owner = proxy.post("/login", headers={"X-Forwarded-For": "198.51.100.7"}, data=data,
                           follow_redirects=False)
        assert owner.status_code == 303


def test_serve_leaves_uvicorns_own_proxy_trust_off(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    from app.cli import main

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: calls.append(kwargs))
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    monkeypatch.setenv("GC_FREEZE_AFTER_START", "0")  # serve's setdefault must not leak
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code == 0, result.output
    assert calls[0]["proxy_headers"] is False
    assert "FORWARDED_ALLOW_IPS" not in os.environ
