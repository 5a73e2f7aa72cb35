"""Browser sessions: an idle timeout, the list of one's signed-in browsers, signing one or all
others out, and a password change that ends every other session."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.accounts import auth
from app.accounts.devices import describe
from app.accounts.models import User, UserSession
from app.audit.models import AuditEvent
from app.db import utcnow
from app.errors import ValidationFailed
from tests.factories import PASSWORD, csrf_from, login, make_user, token_for

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
          "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")
NEW_PASSWORD = "a brand new passphrase 77"


@pytest.fixture
def phone(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False, client=("198.51.100.20", 5000),
                    headers={"user-agent": IPHONE}) as other:
        yield other


def _csrf(client: TestClient) -> dict[str, str]:
    return {"X-CSRF-Token": csrf_from(client.get("/account").text)}


def _sessions(db: Session, user: User) -> list[UserSession]:
    db.expire_all()
    return list(db.scalars(select(UserSession).where(UserSession.user_id == user.id)
                           .order_by(UserSession.id)))


def test_a_session_unused_for_the_idle_time_ends(client: TestClient, db: Session) -> None:
    user = make_user(db)
    login(client, user.email or "")
    db.execute(update(UserSession).values(
        last_seen_at=utcnow() - dt.timedelta(days=2) + dt.timedelta(minutes=1)))
    db.commit()
    assert client.get("/account", follow_redirects=False).status_code == 200
    db.execute(update(UserSession).values(
        last_seen_at=utcnow() - dt.timedelta(days=2, seconds=1)))
    db.commit()
    assert client.get("/account", follow_redirects=False).status_code == 303


def test_last_seen_is_updated_coarsely(client: TestClient, db: Session) -> None:
    user = make_user(db)
    login(client, user.email or "")
    first = _sessions(db, user)[0].last_seen_at
    client.get("/account")
    assert _sessions(db, user)[0].last_seen_at == first, "no write on every request"
    earlier = utcnow() - dt.timedelta(minutes=6)
    db.execute(update(UserSession).values(last_seen_at=earlier))
    db.commit()
    client.get("/account")
    assert (_sessions(db, user)[0].last_seen_at or earlier) > earlier


def test_the_session_list_names_devices_and_marks_this_one(client: TestClient, phone: TestClient,
                                                           db: Session) -> None:
    user = make_user(db)
    client.headers["user-agent"] = FIREFOX
    login(client, user.email or "")
    login(phone, user.email or "")
    listed = client.get("/api/v1/me/sessions").json()
    assert {(s["device"], s["current"]) for s in listed} == {
        ("Firefox on Windows", True), ("Safari on iPhone", False)}
    assert next(s for s in listed if not s["current"])["ip"] == "198.51.100.20"
    assert all(s["created_at"] and s["last_seen_at"] for s in listed)


def test_revoking_one_session_signs_that_browser_out(client: TestClient, phone: TestClient,
                                                     db: Session) -> None:
    user, other = make_user(db), make_user(db)
    other_headers = token_for(client, other.email or "")
    login(client, user.email or "")
    login(phone, user.email or "")
    phone_id = next(s["id"] for s in client.get("/api/v1/me/sessions").json() if not s["current"])
    # Somebody else's session is not found (and stays).
    assert client.delete(f"/api/v1/me/sessions/{phone_id}",
                         headers=other_headers).status_code == 404
    assert phone.get("/account", follow_redirects=False).status_code == 200
    assert client.delete(f"/api/v1/me/sessions/{phone_id}",
                         headers=_csrf(client)).status_code == 204
    assert phone.get("/account", follow_redirects=False).status_code == 303
    assert client.get("/account", follow_redirects=False).status_code == 200


def test_sign_out_everywhere_else_keeps_this_browser(client: TestClient, phone: TestClient,
                                                     db: Session) -> None:
    user = make_user(db)
    login(phone, user.email or "")
    login(client, user.email or "")
    answer = client.post("/api/v1/me/sessions/revoke-others", headers=_csrf(client))
    assert answer.json() == {"revoked": 1}
    assert phone.get("/account", follow_redirects=False).status_code == 303
    assert len(client.get("/api/v1/me/sessions").json()) == 1


def test_account_page_lists_sessions_and_signs_out_everywhere(client: TestClient,
                                                              phone: TestClient,
                                                              db: Session) -> None:
    user = make_user(db)
    login(phone, user.email or "")
    login(client, user.email or "")
    page = client.get("/account")
    assert "Signed-in browsers" in page.text and "Safari on iPhone" in page.text
    assert "this browser" in page.text and "198.51.100.20" in page.text
    phone_id = _sessions(db, user)[0].id
    assert f'action="/account/sessions/{phone_id}/revoke"' in page.text
    done = client.post("/account/sessions/revoke-others",
                       data={"csrf_token": csrf_from(page.text)})
    assert done.status_code == 200 and "Signed out everywhere else (1 browsers)." in done.text
    assert phone.get("/account", follow_redirects=False).status_code == 303
    assert "Safari on iPhone" not in client.get("/account").text


def test_revoking_from_the_page_and_someone_elses_is_404(client: TestClient, phone: TestClient,
                                                        db: Session) -> None:
    user, other = make_user(db), make_user(db)
    login(phone, other.email or "")
    login(client, user.email or "")
    csrf = csrf_from(client.get("/account").text)
    theirs = _sessions(db, other)[0].id
    assert client.post(f"/account/sessions/{theirs}/revoke",
                       data={"csrf_token": csrf}).status_code == 404
    assert phone.get("/account", follow_redirects=False).status_code == 200


def test_password_change_needs_the_current_one_and_ends_other_sessions(
        client: TestClient, phone: TestClient, db: Session) -> None:
    user = make_user(db)
    login(phone, user.email or "")
    login(client, user.email or "")
    csrf = _csrf(client)
    wrong = client.post("/api/v1/me/password", headers=csrf,
                        json={"current_password": "not it at all", "new_password": NEW_PASSWORD})
    assert wrong.status_code == 422 and "current_password" in wrong.json()["error"]["fields"]
    weak = client.post("/api/v1/me/password", headers=csrf,
                       json={"current_password": PASSWORD, "new_password": "short"})
    assert weak.status_code == 422 and "new_password" in weak.json()["error"]["fields"]
    done = client.post("/api/v1/me/password", headers=csrf,
                       json={"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert done.json() == {"other_sessions_ended": 1}
    assert phone.get("/account", follow_redirects=False).status_code == 303
    assert client.get("/account", follow_redirects=False).status_code == 200
    login(phone, user.email or "", NEW_PASSWORD)
    db.expire_all()
    assert db.scalar(select(AuditEvent.id).where(AuditEvent.event == "password.changed",
                                                 AuditEvent.subject_user_id == user.id))


def test_a_token_cannot_change_the_password_without_the_current_one(client: TestClient,
                                                                    db: Session) -> None:
    user = make_user(db)
    headers = token_for(client, user.email or "")
    refused = client.post("/api/v1/me/password", headers=headers,
                          json={"new_password": NEW_PASSWORD})
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "reauthentication_required"


def test_password_form_on_the_account_page(client: TestClient, db: Session) -> None:
    user = make_user(db)
    login(client, user.email or "")
    csrf = csrf_from(client.get("/account").text)
    refused = client.post("/account/password", data={
        "current_password": "wrong wrong wrong", "new_password": NEW_PASSWORD,
        "csrf_token": csrf})
    assert refused.status_code == 422 and "The current password is not right." in refused.text
    done = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD, "csrf_token": csrf})
    assert done.status_code == 200 and "Your password was changed" in done.text


def test_an_account_without_password_sets_one_after_a_fresh_sign_in(db: Session) -> None:
    user = make_user(db)
    user.password_hash = None
    db.flush()
    with pytest.raises(ValidationFailed):
        auth.change_password(db, user=user, current_password=None, new_password=NEW_PASSWORD,
                             signed_in_at=utcnow() - dt.timedelta(minutes=11),
                             keep_raw_token=None)
    auth.change_password(db, user=user, current_password=None, new_password=NEW_PASSWORD,
                         signed_in_at=utcnow() - dt.timedelta(minutes=1), keep_raw_token=None)
    assert auth.authenticate(db, email=user.email or "", password=NEW_PASSWORD,
                             ip="192.0.2.1").id == user.id


def test_devices_in_words() -> None:
    assert describe(FIREFOX) == "Firefox on Windows"
    assert describe(IPHONE) == "Safari on iPhone"
    assert describe("curl/8.5.0") == "curl"
    assert describe(None) == "an unknown device"
