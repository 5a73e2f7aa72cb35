"""Getting back in by email: a password reset and a sign-in link, which answer the same for
every address, are throttled, work once, and end or start sessions as they should."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.accounts import recovery
from app.accounts.models import AccountLink, User, UserSession
from app.db import utcnow
from app.notifications import service as notifications
from tests.factories import PASSWORD, csrf_from, emailed_token, login, make_user

RESET = "mail.password_reset"
SIGN_IN = "mail.sign_in_link"
NEW_PASSWORD = "a brand new passphrase for 2027"


def ask_reset(client: TestClient, email: str) -> object:
    return client.post("/api/v1/auth/password-reset", json={"email": email})


def confirm_reset(client: TestClient, token: str, password: str = NEW_PASSWORD) -> object:
    return client.post("/api/v1/auth/password-reset/confirm",
                       json={"token": token, "password": password})


def sign_in_by_password(client: TestClient, email: str, password: str) -> int:
    page = client.get("/login")
    return client.post("/login", data={"email": email, "password": password, "next": "/",
                                       "csrf_token": csrf_from(page.text)},
                       follow_redirects=False).status_code


# -- asking ------------------------------------------------------------------------------------

def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(
        client: TestClient, db: Session) -> None:
    user = make_user(db, email="known@example.org")
    banned = make_user(db, email="banned@example.org")
    banned.banned_at, banned.standing_reason = utcnow(), "spam"
    gone = make_user(db, email="gone@example.org")
    gone.is_active = False
    db.commit()
    answers = [ask_reset(client, address) for address in (
        "known@example.org", "nobody@example.org", "banned@example.org", "gone@example.org")]
    assert {a.status_code for a in answers} == {202}  # type: ignore[attr-defined]
    assert len({a.text for a in answers}) == 1  # type: ignore[attr-defined]
    assert answers[0].json() == {"message": recovery.RESET_SENT}  # type: ignore[attr-defined]
    [mail] = notifications.for_recipient(db, recipient_id=user.id, kind=RESET)
    assert mail.to_address == "known@example.org" and "/password-reset/" in mail.body
    for other in (banned, gone):  # blocked or disabled accounts get no link
        assert notifications.for_recipient(db, recipient_id=other.id, kind=RESET) == []
    links = client.post("/api/v1/auth/sign-in-link", json={"email": "nobody@example.org"})
    known = client.post("/api/v1/auth/sign-in-link", json={"email": "known@example.org"})
    assert links.status_code == known.status_code == 202 and links.text == known.text


def test_asking_is_throttled_per_address_and_per_client_whatever_the_address(
        client: TestClient, db: Session) -> None:
    codes = [ask_reset(client, "nobody@example.org").status_code  # type: ignore[attr-defined]
             for _ in range(6)]
    assert codes == [202] * 5 + [429]
    # Another address from the same client: counted per client too (20 an hour).
    more = [ask_reset(client, f"p{n}@example.org").status_code  # type: ignore[attr-defined]
            for n in range(16)]
    assert more == [202] * 15 + [429]
    refused = ask_reset(client, "fresh@example.org")
    assert refused.status_code == 429  # type: ignore[attr-defined]
    assert int(refused.headers["retry-after"]) > 0  # type: ignore[attr-defined]


# -- resetting ---------------------------------------------------------------------------------

def test_a_reset_sets_the_password_proves_the_address_and_ends_every_session(
        client: TestClient, db: Session) -> None:
    user = make_user(db, email="forgetful@example.org", verified=False)
    other_browser = TestClient(client.app)
    login(other_browser, "forgetful@example.org")
    assert other_browser.get("/account", follow_redirects=False).status_code == 200
    assert ask_reset(client, "forgetful@example.org").status_code == 202  # type: ignore[attr-defined]
    token = emailed_token(db, user_id=user.id, kind=RESET)

    weak = confirm_reset(client, token, "password1234")
    assert weak.status_code == 422  # type: ignore[attr-defined]
    assert "password" in weak.json()["error"]["fields"]  # type: ignore[attr-defined]
    done = confirm_reset(client, token)  # the link survived the refused password
    assert done.status_code == 200, done.text  # type: ignore[attr-defined]

    db.expire_all()
    fresh = db.get(User, user.id)
    assert fresh is not None and fresh.email_verified
    assert other_browser.get("/account", follow_redirects=False).status_code == 303
    live = db.scalars(select(UserSession).where(UserSession.user_id == user.id,
                                                UserSession.revoked_at.is_(None))).all()
    assert live == []
    assert sign_in_by_password(client, "forgetful@example.org", PASSWORD) == 401
    assert sign_in_by_password(client, "forgetful@example.org", NEW_PASSWORD) == 303
    again = confirm_reset(client, token, "yet another passphrase 99")
    assert again.status_code == 422  # type: ignore[attr-defined]
    assert again.json()["error"]["code"] == "link_not_valid"  # type: ignore[attr-defined]


def test_a_reset_link_expires_after_an_hour(client: TestClient, db: Session) -> None:
    user = make_user(db, email="late@example.org")
    ask_reset(client, "late@example.org")
    token = emailed_token(db, user_id=user.id, kind=RESET)
    db.execute(update(AccountLink).values(expires_at=utcnow() - dt.timedelta(seconds=1)))
    db.commit()
    assert confirm_reset(client, token).status_code == 422  # type: ignore[attr-defined]
    assert "This link is not valid" in client.get(f"/password-reset/{token}").text


def test_a_reset_clears_the_sign_in_throttle(client: TestClient, db: Session) -> None:
    user = make_user(db, email="locked@example.org")
    codes = [sign_in_by_password(client, "locked@example.org", "wrong guess number")
             for _ in range(6)]
    assert codes[-1] == 429
    ask_reset(client, "locked@example.org")
    confirm_reset(client, emailed_token(db, user_id=user.id, kind=RESET))
    assert sign_in_by_password(client, "locked@example.org", NEW_PASSWORD) == 303


def test_the_reset_pages(client: TestClient, db: Session) -> None:
    user = make_user(db, email="pages@example.org")
    login_page = client.get("/login").text
    assert 'href="/password-reset"' in login_page and 'href="/login/link"' in login_page
    form = client.get("/password-reset")
    asked = client.post("/password-reset", data={"email": "pages@example.org",
                                                  "csrf_token": csrf_from(form.text)})
    nobody = client.post("/password-reset", data={"email": "none@example.org",
                                                   "csrf_token": csrf_from(form.text)})
    assert asked.status_code == nobody.status_code == 200
    assert "Check your inbox" in asked.text
    assert asked.text.replace("pages@", "X@") == nobody.text.replace("none@", "X@")
    token = emailed_token(db, user_id=user.id, kind=RESET)
    page = client.get(f"/password-reset/{token}")
    assert page.status_code == 200 and "Choose a new password" in page.text
    assert page.headers["cache-control"] == "no-store"
    short = client.post(f"/password-reset/{token}", data={"password": "short",
                                                           "csrf_token": csrf_from(page.text)})
    assert short.status_code == 422 and 'id="e-password"' in short.text
    done = client.post(f"/password-reset/{token}", data={"password": NEW_PASSWORD,
                                                          "csrf_token": csrf_from(page.text)})
    assert "Sign in with the new password" in done.text
    assert sign_in_by_password(client, "pages@example.org", NEW_PASSWORD) == 303


# -- signing in with a link --------------------------------------------------------------------

def test_a_sign_in_link_gets_the_owner_in_while_the_password_is_throttled(
        client: TestClient, db: Session) -> None:
    user = make_user(db, email="owner@example.org")
    for _ in range(6):
        sign_in_by_password(client, "owner@example.org", "a stranger's wrong guess")
    assert sign_in_by_password(client, "owner@example.org", PASSWORD) == 429
    form = client.get("/login/link")
    asked = client.post("/login/link", data={"email": "owner@example.org",
                                             "csrf_token": csrf_from(form.text)})
    assert "Check your inbox" in asked.text
    token = emailed_token(db, user_id=user.id, kind=SIGN_IN)
    page = client.get(f"/login/link/{token}")  # opening it signs nobody in
    assert page.status_code == 200 and "Sign in with a link" in page.text
    assert client.get("/account", follow_redirects=False).status_code == 303
    signed = client.post(f"/login/link/{token}", data={"csrf_token": csrf_from(page.text)},
                         follow_redirects=False)
    assert signed.status_code == 303
    assert client.get("/account", follow_redirects=False).status_code == 200
    client.cookies.clear()
    page = client.get(f"/login/link/{token}")
    assert page.status_code == 422 and "This link is not valid" in page.text


def test_a_sign_in_link_does_not_open_a_blocked_account(client: TestClient,
                                                        db: Session) -> None:
    user = make_user(db, email="suspended@example.org")
    client.post("/api/v1/auth/sign-in-link", json={"email": "suspended@example.org"})
    token = emailed_token(db, user_id=user.id, kind=SIGN_IN)
    user.suspended_until, user.standing_reason = utcnow() + dt.timedelta(days=3), "abuse"
    db.commit()
    page = client.get(f"/login/link/{token}")
    refused = client.post(f"/login/link/{token}", data={"csrf_token": csrf_from(page.text)})
    assert refused.status_code == 403 and "suspended" in refused.text
    assert client.get("/account", follow_redirects=False).status_code == 303
    # And a suspended account is sent no new link.
    client.post("/api/v1/auth/sign-in-link", json={"email": "suspended@example.org"})
    assert len(notifications.for_recipient(db, recipient_id=user.id, kind=SIGN_IN)) == 1
