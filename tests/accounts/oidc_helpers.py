"""Driving the OpenID Connect flow the way a browser does: app → provider → app."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import ExternalIdentity, User, UserSession
from app.audit.models import AuditEvent
from tests.oidc_provider import Provider


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def start(client: TestClient, next: str = "/") -> str:
    """Click "Sign in with …": the app answers with a redirect to the provider."""
    response = client.get("/auth/oidc/login", params={"next": next}, follow_redirects=False)
    assert response.status_code == 302, response.text
    return response.headers["location"]


def at_provider(provider: Provider, authorize_url: str) -> str:
    """The provider's answer to the authorization request: the redirect back to the app."""
    response = TestClient(provider.app).get(authorize_url, follow_redirects=False)
    assert response.status_code == 302, response.text
    return response.headers["location"]


def sign_in_via_provider(client: TestClient, provider: Provider,
                         next: str = "/") -> httpx.Response:
    """The whole round trip; returns the app's answer to the callback (not followed)."""
    callback = at_provider(provider, start(client, next))
    return client.get(callback, follow_redirects=False)


def count(db: Session, model: type) -> int:
    db.rollback()  # see what the app committed
    return db.scalar(select(func.count()).select_from(model)) or 0


def identities(db: Session) -> list[ExternalIdentity]:
    db.rollback()
    return list(db.scalars(select(ExternalIdentity).order_by(ExternalIdentity.id)))


def users(db: Session) -> list[User]:
    db.rollback()
    return list(db.scalars(select(User).order_by(User.id)))


def events(db: Session, event: str) -> list[AuditEvent]:
    db.rollback()
    return list(db.scalars(select(AuditEvent).where(AuditEvent.event == event)
                           .order_by(AuditEvent.id)))


def live_sessions(db: Session, user_id: int) -> int:
    db.rollback()
    return db.scalar(select(func.count()).select_from(UserSession).where(
        UserSession.user_id == user_id, UserSession.revoked_at.is_(None))) or 0
