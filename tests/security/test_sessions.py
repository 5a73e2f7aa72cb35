"""Session management (ASVS V7): a fresh session at sign-in, hardened cookies under https."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.config import Settings, get_settings
from tests.factories import PASSWORD, csrf_from, login, make_user


def test_sign_in_issues_a_new_session_and_a_new_csrf_token(client: TestClient,
                                                           db: Session) -> None:
    user = make_user(db)
    page = client.get("/login")
    cookie_before, csrf_before = client.cookies.get("vc_session"), csrf_from(page.text)
    assert cookie_before
    login(client, user.email or "")
    account = client.get("/account")
    assert account.status_code == 200 and user.display_name in account.text
    assert client.cookies.get("vc_session") not in (None, cookie_before)
    assert csrf_from(account.text) != csrf_before  # a token planted before sign-in is useless


def test_signing_in_again_revokes_the_previous_session(client: TestClient, db: Session) -> None:
    first, second = make_user(db), make_user(db)
    login(client, first.email or "")
    first_cookie = client.cookies.get("vc_session")
    login(client, second.email or "")  # same browser, another account
    assert second.display_name in client.get("/account").text
    client.cookies.clear()
    client.cookies.set("vc_session", first_cookie or "")
    response = client.get("/account", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/account"


@pytest.fixture
def https_client(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("BASE_URL", "https://valleycross.example")
    get_settings.cache_clear()
    from app.main import create_app

    https_settings = get_settings()
    assert https_settings.is_https
    with TestClient(create_app(https_settings), base_url="https://testserver",
                    raise_server_exceptions=False) as client:
        yield client
    get_settings.cache_clear()


def test_https_cookie_is_host_prefixed_secure_httponly_lax(https_client: TestClient,
                                                          db: Session) -> None:
    user = make_user(db)
    page = https_client.get("/login")
    response = https_client.post("/login", data={
        "email": user.email, "password": PASSWORD, "csrf_token": csrf_from(page.text)},
        follow_redirects=False)
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    name, _, attributes = cookie.partition(";")
    assert name.startswith("__Host-vc_session=")
    flags = {part.strip().split("=")[0].lower(): part.strip() for part in attributes.split(";")}
    assert "secure" in flags and "httponly" in flags
    assert flags["samesite"].lower() == "samesite=lax"
    assert flags["path"] == "path=/"
    assert "domain" not in flags  # __Host- cookies must not name a domain
    assert "vc_session=" not in cookie.replace("__Host-vc_session=", "")
    assert user.display_name in https_client.get("/account").text
