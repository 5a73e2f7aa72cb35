"""Security events are recorded (ASVS V16.3): failed sign-ins in the audit table, every refused
authentication or authorisation on the `valleycross.security` logger."""

from __future__ import annotations

import logging

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.errors import Forbidden
from tests.factories import csrf_from, login, make_user, token_for

SECURITY = "valleycross.security"


def _events(db: Session, name: str) -> list[AuditEvent]:
    db.expire_all()
    return list(db.scalars(select(AuditEvent).where(AuditEvent.event == name)))


def test_failed_sign_ins_are_audited_from_the_form_and_the_api(client: TestClient,
                                                               db: Session) -> None:
    user = make_user(db)
    page = client.get("/login")
    client.post("/login", data={"email": user.email, "password": "wrong wrong wrong",
                                "csrf_token": csrf_from(page.text)})
    client.post("/api/v1/auth/tokens", json={"name": "x", "email": "nobody@example.org",
                                             "password": "wrong wrong wrong"})
    failed = _events(db, "login.failed")
    assert [(e.subject_user_id, e.details["email"]) for e in failed] == [
        (user.id, user.email), (None, "nobody@example.org")]
    assert all(e.ip for e in failed)


def _security_records(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == SECURITY]


def test_a_missing_role_is_logged(client: TestClient, db: Session,
                                  caplog: pytest.LogCaptureFixture) -> None:
    solver = make_user(db)
    headers = token_for(client, solver.email or "")
    with caplog.at_level(logging.INFO, logger=SECURITY):
        assert client.get("/api/v1/users", headers=headers).status_code == 403
        login(client, solver.email or "")
        assert client.get("/admin/users").status_code == 403
    messages = _security_records(caplog)
    assert f"403 missing_role on GET /api/v1/users: user={solver.id}" in messages[0]
    assert any(f"403 missing_role on GET /admin/users: user={solver.id}" in m for m in messages)
    assert all(r.levelno == logging.WARNING for r in caplog.records
               if r.name == SECURITY and "403" in r.getMessage())


def test_a_csrf_failure_and_a_bad_token_are_logged(client: TestClient,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    client.get("/login")
    with caplog.at_level(logging.INFO, logger=SECURITY):
        client.post("/login", data={"email": "a@example.org", "password": "x"})
        client.get("/api/v1/me", headers={"Authorization": "Bearer vcx_stolen_or_made_up"})
    messages = _security_records(caplog)
    assert any("403 csrf_failed on POST /login" in m for m in messages), messages
    assert any("401 invalid_token on GET /api/v1/me" in m for m in messages), messages


def test_a_refusal_raised_deep_in_a_service_is_logged_too(app: FastAPI, client: TestClient,
                                                          caplog: pytest.LogCaptureFixture
                                                          ) -> None:
    @app.get("/api/v1/refuse")
    def refuse() -> None:
        raise Forbidden("Only the owner may do this.", code="not_owner")

    with caplog.at_level(logging.INFO, logger=SECURITY):
        assert client.get("/api/v1/refuse").status_code == 403
    assert any("403 not_owner on GET /api/v1/refuse" in m for m in _security_records(caplog))


def test_role_changes_are_audited_with_who_did_it(client: TestClient, db: Session) -> None:
    admin = make_user(db, roles=[Role.ADMIN])
    solver = make_user(db)
    headers = token_for(client, admin.email or "")
    assert client.put(f"/api/v1/users/{solver.id}/roles/sponsor", headers=headers).is_success
    granted = _events(db, "role.granted")
    assert [(e.actor_id, e.subject_user_id, e.details["role"]) for e in granted] == [
        (admin.id, solver.id, "sponsor")]
