"""Each user reads their own messages in the inbox (page and API) and marks them read."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.config import get_settings
from app.notifications import service as notifications
from tests.factories import csrf_from, login, make_user, token_for


def _send(db: Session, recipient_id: int, subject: str, body: str = "See it.") -> int:
    message = notifications.queue(db, recipient_id=recipient_id, subject=subject, body=body,
                                  kind="test.note")
    db.commit()
    return message.id


def test_the_api_shows_only_my_messages_newest_first(client: TestClient, db: Session) -> None:
    me, other = make_user(db), make_user(db)
    _send(db, me.id, "First")
    _send(db, other.id, "Not yours")
    _send(db, me.id, "Second")
    headers = token_for(client, me.email or "")
    body = client.get("/api/v1/me/messages", headers=headers).json()
    assert [m["subject"] for m in body["items"]] == ["Second", "First"]
    assert body["total"] == 2 and all(m["read_at"] is None for m in body["items"])
    page = client.get("/api/v1/me/messages?limit=1&offset=1", headers=headers).json()
    assert [m["subject"] for m in page["items"]] == ["First"]


def test_marking_read_spares_a_message_that_arrived_after_the_page(client: TestClient,
                                                                   db: Session) -> None:
    me = make_user(db)
    seen = _send(db, me.id, "Seen")
    _send(db, me.id, "Arrived later")
    headers = token_for(client, me.email or "")
    answer = client.post("/api/v1/me/messages/read", json={"up_to_id": seen}, headers=headers)
    assert answer.json() == {"marked": 1, "unread": 1}
    assert client.post("/api/v1/me/messages/read", json={}, headers=headers).json() == {
        "marked": 1, "unread": 0}
    bad = client.post("/api/v1/me/messages/read", json={"up_to_id": "1"}, headers=headers)
    assert bad.status_code == 422 and "up_to_id" in str(bad.json()["error"]["fields"])


def test_the_inbox_page_shows_the_unread_count_links_and_marks_read(client: TestClient,
                                                                    db: Session) -> None:
    me, other = make_user(db), make_user(db)
    _send(db, me.id, "Changes requested: Solar pumps",
          "A reviewer asked for changes:\n\n<b>Add budgets</b>\n\n{site}/challenges/7")
    _send(db, other.id, "Someone else's")
    login(client, me.email or "")
    page = client.get("/inbox")
    assert page.status_code == 200
    assert 'aria-label="1 unread"' in page.text
    assert "Changes requested: Solar pumps" in page.text and "Someone else" not in page.text
    assert "&lt;b&gt;Add budgets&lt;/b&gt;" in page.text  # the reviewer's text stays text
    assert '<a href="/challenges/7">Open the challenge</a>' in page.text
    done = client.post("/inbox/read", data={"csrf_token": csrf_from(page.text),
                                            "up_to_id": "999999999999"},
                       follow_redirects=False)
    assert done.status_code == 303
    after = client.get("/inbox")
    assert "1 message marked read." in after.text and "unread" not in after.text.split(
        "<main")[0]
    assert notifications.unread_count(db, recipient_id=me.id) == 0
    assert notifications.unread_count(db, recipient_id=other.id) == 1


def test_the_inbox_needs_a_sign_in(client: TestClient) -> None:
    assert client.get("/inbox", follow_redirects=False).headers["location"].startswith(
        "/login")
    assert client.get("/api/v1/me/messages").status_code == 401


def test_the_inbox_says_whether_messages_are_also_emailed(client: TestClient, db: Session,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    me = make_user(db, email="reader@example.org")
    login(client, "reader@example.org")
    assert "This platform does not send email: they are shown here only." in client.get(
        "/inbox").text
    monkeypatch.setenv("SMTP_HOST", "smtp.example.org")
    monkeypatch.setenv("MAIL_FROM", "Valleycross <no-reply@valleycross.example>")
    get_settings.cache_clear()
    page = client.get("/inbox").text
    assert "New ones are also emailed to reader@example.org." in page
    assert "does not send email" not in page
    me.email = me.email_normalized = None  # as an OpenID Connect account without one
    db.commit()
    page = client.get("/inbox").text
    assert "Your account has no email address, so they are shown here only" in page
    assert '<a href="/account/email">add an address</a>' in page
