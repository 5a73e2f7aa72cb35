"""API tokens: they cannot breed tokens, a browser confirms its password to make one, and every
token expires."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from app.accounts.models import ApiToken, UserSession
from app.db import utcnow
from tests.factories import PASSWORD, csrf_from, login, make_user, token_for


def _age_sessions(db: Session, user_id: int, minutes: int) -> None:
    """Make the user's browser sessions begin `minutes` ago (no longer a fresh sign-in)."""
    db.execute(update(UserSession).where(UserSession.user_id == user_id)
               .values(created_at=utcnow() - dt.timedelta(minutes=minutes)))
    db.commit()


def test_a_bearer_token_cannot_create_tokens(client: TestClient, db: Session) -> None:
    user = make_user(db)
    headers = token_for(client, user.email or "")
    refused = client.post("/api/v1/auth/tokens", json={"name": "child"}, headers=headers)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "token_cannot_create_tokens"
    # Email and password in the body are a fresh sign-in, whatever header comes along.
    fresh = client.post("/api/v1/auth/tokens", headers=headers,
                        json={"name": "child", "email": user.email, "password": PASSWORD})
    assert fresh.status_code == 201


def test_revoking_the_parent_leaves_no_child_token(client: TestClient, db: Session) -> None:
    user = make_user(db)
    headers = token_for(client, user.email or "")
    client.post("/api/v1/auth/tokens", json={"name": "child"}, headers=headers)
    listed = client.get("/api/v1/auth/tokens", headers=headers).json()
    assert [t["name"] for t in listed] == ["test"]


def test_every_token_expires_90_days_by_default_or_as_chosen(client: TestClient,
                                                             db: Session) -> None:
    user = make_user(db)
    body = {"email": user.email, "password": PASSWORD}
    default = client.post("/api/v1/auth/tokens", json={**body, "name": "d"}).json()
    week = client.post("/api/v1/auth/tokens", json={**body, "name": "w",
                                                    "expires_in_days": 7}).json()
    now = utcnow()
    default_at = dt.datetime.fromisoformat(default["expires_at"])
    week_at = dt.datetime.fromisoformat(week["expires_at"])
    assert abs(default_at - (now + dt.timedelta(days=90))) < dt.timedelta(minutes=1)
    assert abs(week_at - (now + dt.timedelta(days=7))) < dt.timedelta(minutes=1)
    too_long = client.post("/api/v1/auth/tokens", json={**body, "name": "x",
                                                        "expires_in_days": 366})
    assert too_long.status_code == 422
    far = (now + dt.timedelta(days=400)).isoformat()
    too_far = client.post("/api/v1/auth/tokens", json={**body, "name": "x", "expires_at": far})
    assert too_far.status_code == 422 and "expires_at" in too_far.json()["error"]["fields"]


def test_an_expired_token_no_longer_works(client: TestClient, db: Session) -> None:
    user = make_user(db)
    headers = token_for(client, user.email or "")
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    listed = client.get("/api/v1/auth/tokens", headers=headers).json()
    assert listed[0]["last_used_at"] is not None and listed[0]["expires_at"] is not None
    db.execute(update(ApiToken).values(expires_at=utcnow() - dt.timedelta(seconds=1)))
    db.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_a_browser_confirms_its_password_to_create_a_token(client: TestClient,
                                                           db: Session) -> None:
    user = make_user(db)
    login(client, user.email or "")
    csrf = {"X-CSRF-Token": csrf_from(client.get("/account").text)}
    # Just signed in: that is proof enough.
    assert client.post("/api/v1/auth/tokens", json={"name": "fresh"},
                       headers=csrf).status_code == 201
    _age_sessions(db, user.id, minutes=11)
    stale = client.post("/api/v1/auth/tokens", json={"name": "stale"}, headers=csrf)
    assert stale.status_code == 422
    assert stale.json()["error"]["code"] == "reauthentication_required"
    wrong = client.post("/api/v1/auth/tokens", headers=csrf,
                        json={"name": "stale", "current_password": "not my password"})
    assert wrong.status_code == 422
    assert wrong.json()["error"]["code"] == "reauthentication_failed"
    right = client.post("/api/v1/auth/tokens", headers=csrf,
                        json={"name": "stale", "current_password": PASSWORD})
    assert right.status_code == 201


def test_account_page_token_form_asks_for_the_password_and_a_lifetime(client: TestClient,
                                                                      db: Session) -> None:
    user = make_user(db)
    login(client, user.email or "")
    _age_sessions(db, user.id, minutes=11)
    page = client.get("/account")
    assert 'name="current_password"' in page.text and 'name="expires_in_days"' in page.text
    csrf = csrf_from(page.text)
    refused = client.post("/account/tokens", data={"name": "ci", "expires_in_days": "30",
                                                   "csrf_token": csrf})
    assert refused.status_code == 422
    assert "Enter your current password to confirm this change." in refused.text
    made = client.post("/account/tokens", data={"name": "ci", "expires_in_days": "30",
                                                "current_password": PASSWORD,
                                                "csrf_token": csrf})
    assert made.status_code == 201 and "copy it now" in made.text
    expected = (utcnow() + dt.timedelta(days=30)).strftime("%Y-%m-%d")
    assert expected in made.text, "the table shows when the token expires"


def test_the_account_page_says_a_token_past_its_expiry_is_expired(client: TestClient,
                                                                    db: Session) -> None:
    user = make_user(db)
    token_for(client, user.email or "")
    db.execute(update(ApiToken).where(ApiToken.user_id == user.id)
               .values(expires_at=utcnow() - dt.timedelta(days=1)))
    db.commit()
    login(client, user.email or "")
    row = client.get("/account").text.split("<code>vcx_", 1)[1].split("</tr>", 1)[0]
    assert "expired" in row and "active" not in row
