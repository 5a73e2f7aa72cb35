"""An account's standing: admins suspend, ban and lift; the person is out at once."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.accounts.models import Role, User
from app.audit.models import AuditEvent
from app.db import utcnow
from tests.factories import PASSWORD, csrf_from, login, make_user, token_for
from tests.moderation.helpers import outbox


def put(client: TestClient, auth: dict[str, str], user_id: int, **body: object) -> object:
    return client.put(f"/api/v1/users/{user_id}/standing", headers=auth, json=body)


def later(**delta: float) -> str:
    return (utcnow() + dt.timedelta(**delta)).isoformat()


def test_a_suspension_ends_every_session_and_token_at_once_and_sign_in_says_why(
        app: object, client: TestClient, db: Session) -> None:
    admin = make_user(db, roles=[Role.ADMIN])
    person = make_user(db)
    their_token = token_for(client, person.email or "")
    login(client, person.email or "")  # their browser
    assert client.get("/account").status_code == 200
    assert client.get("/api/v1/me", headers=their_token).status_code == 200
    with TestClient(app) as admin_client:  # type: ignore[arg-type]
        done = put(admin_client, token_for(admin_client, admin.email or ""), person.id,
                   action="suspend", until=later(days=7), reason="spamming the Q&A")
    assert done.status_code == 200, done.text  # type: ignore[attr-defined]
    assert done.json()["standing"] == "suspended"  # type: ignore[attr-defined]
    # The open browser session and the token stop working at the next request.
    assert client.get("/account", follow_redirects=False).headers["location"].startswith(
        "/login")
    assert client.get("/api/v1/me", headers=their_token).status_code == 401
    page = client.get("/login")
    refused = client.post("/login", data={"email": person.email, "password": PASSWORD,
                                          "next": "/", "csrf_token": csrf_from(page.text)})
    assert refused.status_code == 403
    assert "This account is suspended until" in refused.text
    assert "spamming the Q&amp;A" in refused.text
    api = client.post("/api/v1/auth/tokens", json={"name": "again", "email": person.email,
                                                   "password": PASSWORD})
    assert api.status_code == 403 and api.json()["error"]["code"] == "account_blocked"
    events = {e.event for e in db.scalars(select(AuditEvent).where(
        AuditEvent.subject_user_id == person.id))}
    assert {"user.suspended", "sessions.ended", "tokens.revoked_all"} <= events
    told = outbox(db, person, "account.standing")
    assert len(told) == 1 and "spamming the Q&A" in told[0].body


def test_a_suspension_ends_by_itself(client: TestClient, db: Session) -> None:
    admin = make_user(db, roles=[Role.ADMIN])
    person = make_user(db)
    assert put(client, token_for(client, admin.email or ""), person.id, action="suspend",
               until=later(hours=1), reason="cooling off").status_code == 200  # type: ignore
    page = client.get("/login")
    form = {"email": person.email, "password": PASSWORD, "next": "/",
            "csrf_token": csrf_from(page.text)}
    assert client.post("/login", data=form).status_code == 403
    # An hour later (the stored end moved into the past): nothing had to run.
    db.execute(update(User).where(User.id == person.id)
               .values(suspended_until=utcnow() - dt.timedelta(seconds=1)))
    db.commit()
    assert client.post("/login", data=form, follow_redirects=False).status_code == 303


def test_ban_and_lift(client: TestClient, db: Session) -> None:
    admin = make_user(db, roles=[Role.ADMIN])
    person = make_user(db)
    auth = token_for(client, admin.email or "")
    banned = put(client, auth, person.id, action="ban", reason="fraud")
    assert banned.json()["standing"] == "banned"  # type: ignore[attr-defined]
    refused = client.post("/api/v1/auth/tokens", json={"name": "x", "email": person.email,
                                                       "password": PASSWORD})
    assert refused.status_code == 403 and "banned: fraud" in refused.json()["error"]["message"]
    lifted = put(client, auth, person.id, action="lift")
    assert lifted.json() == {"user_id": person.id, "standing": "active",  # type: ignore
                             "suspended_until": None, "banned_at": None, "reason": None}
    assert put(client, auth, person.id, action="lift").status_code == 409  # type: ignore
    assert token_for(client, person.email or "")
    assert {"user.banned", "user.standing_lifted"} <= set(db.scalars(
        select(AuditEvent.event).where(AuditEvent.subject_user_id == person.id)))


def test_what_an_admin_may_not_do(client: TestClient, db: Session) -> None:
    admin = make_user(db, roles=[Role.ADMIN])
    other_admin = make_user(db, roles=[Role.ADMIN])
    person = make_user(db)
    auth = token_for(client, admin.email or "")
    for body, field in (({"action": "suspend", "reason": "x"}, "until"),
                        ({"action": "suspend", "until": later(days=1)}, "reason"),
                        ({"action": "suspend", "until": later(days=-1), "reason": "x"}, "until"),
                        ({"action": "ban", "reason": "  "}, "reason")):
        answer = put(client, auth, person.id, **body)
        assert answer.status_code == 422, body  # type: ignore[attr-defined]
        assert field in answer.json()["error"]["fields"]  # type: ignore[attr-defined]
    own = put(client, auth, admin.id, action="ban", reason="oops")
    assert own.status_code == 409  # type: ignore[attr-defined]
    peer = put(client, auth, other_admin.id, action="ban", reason="rogue")
    assert peer.json()["error"]["code"] == "target_is_admin"  # type: ignore[attr-defined]
    # Once the admin role is revoked (its own audited step), the ban goes through.
    assert client.delete(f"/api/v1/users/{other_admin.id}/roles/admin",
                         headers=auth).status_code in (200, 204)
    assert put(client, auth, other_admin.id, action="ban", reason="rogue"
               ).status_code == 200  # type: ignore[attr-defined]
    solver = token_for(client, person.email or "")
    assert put(client, solver, admin.id, action="ban", reason="x").status_code == 403  # type: ignore
    assert put(client, auth, 999_999, action="ban", reason="x").status_code == 404  # type: ignore


def test_the_standing_page(client: TestClient, db: Session) -> None:
    admin = make_user(db, roles=[Role.ADMIN])
    person = make_user(db, display_name="Pat Example")
    login(client, admin.email or "")
    users = client.get("/admin/users").text
    assert f'href="/admin/users/{person.id}/standing"' in users
    url = f"/admin/users/{person.id}/standing"
    page = client.get(url)
    assert "In good standing" in page.text
    token = csrf_from(page.text)
    missing = client.post(url, data={"action": "suspend", "until": "", "reason": "",
                                     "csrf_token": token})
    assert missing.status_code == 422 and "Say until when." in missing.text
    until = (utcnow() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    done = client.post(url, data={"action": "suspend", "until": until, "reason": "abuse",
                                  "csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303
    shown = client.get(url).text
    assert "Suspended until" in shown and "abuse" in shown and "signed out everywhere" in shown
    assert "suspended until" in client.get("/admin/users").text
