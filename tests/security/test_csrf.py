"""CSRF (ASVS V3.5): every page POST and every cookie-authenticated API write needs the token.

The routes are walked from the application itself, so a new form is covered the day it lands.
"""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.accounts.models import Role
from tests.factories import login, make_user
from tests.permissions.checker import UNSAFE, app_routes, is_page


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def _unsafe_routes(app: FastAPI, pages: bool) -> list[tuple[str, str]]:
    return sorted((m, p) for m, p in app_routes(app) if m in UNSAFE and is_page(p) == pages)


def test_there_are_page_forms_to_check(app: FastAPI) -> None:
    assert ("POST", "/login") in _unsafe_routes(app, pages=True)
    assert ("POST", "/admin/users/{user_id}/roles") in _unsafe_routes(app, pages=True)


# What a visitor may post without a token: it changes nothing but this browser's own language
# cookie (asking for a token would give every page a session cookie, and none could be cached).
# Signed in, it changes the account and needs the token like every other form.
VISITOR_WITHOUT_TOKEN = {("POST", "/language")}


def test_every_page_post_without_the_token_is_refused(app: FastAPI, client: TestClient,
                                                      db: Session) -> None:
    admin = make_user(db, roles=[Role.ADMIN])
    routes = _unsafe_routes(app, pages=True)
    for signed_in in (False, True):
        client.cookies.clear()
        if signed_in:
            login(client, admin.email or "")
        client.get("/account" if signed_in else "/login")  # the session now holds a token
        for method, path in routes:
            if not signed_in and (method, path) in VISITOR_WITHOUT_TOKEN:
                continue
            for data in ({}, {"csrf_token": "forged"}):
                response = client.request(method, _concrete(path), data=data,
                                          follow_redirects=False)
                assert response.status_code == 403, (signed_in, method, path, data)
                assert "did not come from this site" in response.text
        if signed_in:  # the session survived all of that: nothing was done
            assert client.get("/account").status_code == 200


def test_every_api_write_with_only_a_session_cookie_is_refused(app: FastAPI, client: TestClient,
                                                               db: Session) -> None:
    admin = make_user(db, roles=[Role.ADMIN])
    login(client, admin.email or "")
    for method, path in _unsafe_routes(app, pages=False):
        response = client.request(method, _concrete(path), json={})
        if response.status_code == 403:
            assert response.json()["error"]["code"] == "csrf_failed", (method, path)
            continue
        # Only routes that never look at who is asking may answer otherwise (e.g. sign-up,
        # and asking for or using a link sent by email).
        assert path in {"/api/v1/auth/signup", "/api/v1/auth/password-reset",
                        "/api/v1/auth/password-reset/confirm", "/api/v1/auth/sign-in-link",
                        "/api/v1/auth/verify-email"}, (method, path, response.status_code)


def test_the_api_accepts_a_cookie_call_with_the_csrf_header(client: TestClient,
                                                            db: Session) -> None:
    user = make_user(db)
    login(client, user.email or "")
    from tests.factories import csrf_from

    token = csrf_from(client.get("/account").text)
    response = client.patch("/api/v1/me", json={"organisation": "Solar Co-op"},
                            headers={"X-CSRF-Token": token})
    assert response.status_code == 200 and response.json()["organisation"] == "Solar Co-op"
