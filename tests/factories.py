"""Small factories that create real objects through the services, and sign-in helpers."""

from __future__ import annotations

import itertools
import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.accounts import service as accounts_service
from app.accounts.models import Role, User
from app.config import get_settings
from app.kit import links
from app.notifications import service as notifications

PASSWORD = "correct horse battery staple 42"
_seq = itertools.count(1)


def make_user(db: Session, *, roles: list[Role] | None = None, email: str | None = None,
              password: str = PASSWORD, display_name: str | None = None,
              country_code: str | None = None, organisation: str | None = None,
              verified: bool = True) -> User:
    """A user whose address is proven, unless `verified=False` (one who only signed up)."""
    n = next(_seq)
    user = accounts_service.create_user(
        db, email=email or f"user{n}@example.org", password=password,
        display_name=display_name or f"User {n}", country_code=country_code,
        organisation=organisation, roles=roles or [Role.SOLVER], email_verified=verified)
    db.commit()
    return user


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF field"
    return match.group(1)


def login(client: TestClient, email: str, password: str = PASSWORD) -> None:
    """Sign in through the real login form (cookie session)."""
    page = client.get("/login")
    response = client.post("/login", data={"email": email, "password": password, "next": "/",
                                           "csrf_token": csrf_from(page.text)},
                           follow_redirects=False)
    assert response.status_code == 303, response.text


def token_for(client: TestClient, email: str, password: str = PASSWORD) -> dict[str, str]:
    """Authorization header with a fresh personal access token."""
    response = client.post("/api/v1/auth/tokens",
                           json={"name": "test", "email": email, "password": password})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def form_post(client: TestClient, page_url: str, action: str, data: dict[str, str],
              follow: bool = False) -> object:
    """Open a page, take its CSRF token and post a form as a browser would."""
    page = client.get(page_url)
    return client.post(action, data={**data, "csrf_token": csrf_from(page.text)},
                       follow_redirects=follow)


def emailed_token(db: Session, *, user_id: int, kind: str) -> str:
    """The token of the newest link of `kind` (e.g. "mail.password_reset") mailed to a user,
    read from the outbox as the mail server would get it."""
    db.expire_all()
    [*_, message] = notifications.for_recipient(db, recipient_id=user_id, kind=kind)
    mailed = links.absolute(message.body, get_settings().base_url)  # as delivery sends it
    match = re.search(r"https?://\S+/(?:verify-email|password-reset|login/link)/([\w-]+)",
                      mailed)
    assert match, message.body
    return match.group(1)
