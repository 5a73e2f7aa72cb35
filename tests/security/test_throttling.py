"""Anti-automation on sign-in (ASVS V6.3): the sixth wrong password in the window is a 429."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from tests.factories import PASSWORD, csrf_from, make_user


def test_login_form_answers_429_after_five_failures(client: TestClient, db: Session) -> None:
    user = make_user(db)
    token = csrf_from(client.get("/login").text)
    statuses = []
    for _ in range(5):
        response = client.post("/login", data={"email": user.email, "password": "guess guess 1",
                                               "csrf_token": token})
        statuses.append(response.status_code)
        assert "The email or password is not right." in response.text
    blocked = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                          "csrf_token": token}, follow_redirects=False)
    assert statuses == [401] * 5
    assert blocked.status_code == 429, "even the right password waits out the window"
    assert int(blocked.headers["retry-after"]) > 0
    assert "Too many attempts" in blocked.text and 'name="email"' in blocked.text
    assert client.get("/account", follow_redirects=False).status_code == 303
    db.expire_all()
    events = list(db.scalars(select(AuditEvent.event).where(
        AuditEvent.event.in_(["login.failed", "login.throttled"]))))
    assert events.count("login.failed") == 5 and events.count("login.throttled") == 1


def test_other_accounts_are_not_locked_by_one_accounts_failures(client: TestClient,
                                                                db: Session) -> None:
    victim, other = make_user(db), make_user(db)
    token = csrf_from(client.get("/login").text)
    for _ in range(6):
        client.post("/login", data={"email": victim.email, "password": "guess guess 1",
                                    "csrf_token": token})
    response = client.post("/login", data={"email": other.email, "password": PASSWORD,
                                           "csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
