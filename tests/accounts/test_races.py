"""Revoking a token, ending a session and revoking a role are compare-and-sets: done twice at
once (two tabs, two admins), each happens once and is audited once. The other request commits
between this one's read and its write."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts import auth
from app.accounts import service as accounts_service
from app.accounts.models import ApiToken, Role, User, UserRole, UserSession
from app.audit.models import AuditEvent
from app.config import Settings
from tests.concurrency import meanwhile
from tests.factories import make_user


def _events(db: Session, name: str) -> list[AuditEvent]:
    db.expire_all()
    return list(db.scalars(select(AuditEvent).where(AuditEvent.event == name)))


def _user(session: Session, user: User) -> User:
    found = session.get(User, user.id)
    assert found is not None
    return found


def test_a_token_revoked_in_two_tabs_is_revoked_and_audited_once(db: Session,
                                                                 settings: Settings) -> None:
    person = make_user(db)
    token, _ = auth.create_token(db, user=person, name="laptop")
    db.commit()
    assert token.revoked_at is None  # what this request read
    meanwhile(settings.database_url, lambda s: auth.revoke_token(
        s, user=_user(s, person), token_id=token.id))
    revoked = auth.revoke_token(db, user=person, token_id=token.id)
    db.commit()
    assert revoked.revoked_at is not None
    assert [e.details["token_id"] for e in _events(db, "token.revoked")] == [token.id]
    assert db.get(ApiToken, token.id).revoked_at is not None  # type: ignore[union-attr]


def test_a_session_ended_twice_is_audited_once(db: Session, settings: Settings) -> None:
    person = make_user(db)
    raw = auth.start_session(db, user=person)
    db.commit()
    held = db.scalar(select(UserSession).where(UserSession.token_hash == auth.token_hash(raw)))
    assert held is not None and held.revoked_at is None  # what this request read
    meanwhile(settings.database_url, lambda s: auth.end_session(s, raw_token=raw))
    auth.end_session(db, raw_token=raw)
    db.commit()
    assert [e.subject_user_id for e in _events(db, "logout")] == [person.id]
    assert auth.user_for_session(db, raw_token=raw) is None


def test_a_role_revoked_by_two_admins_at_once_is_audited_once(db: Session,
                                                              settings: Settings) -> None:
    first, second = make_user(db, roles=[Role.ADMIN]), make_user(db, roles=[Role.ADMIN])
    person = make_user(db, roles=[Role.SOLVER, Role.JUDGE])
    assert db.get(UserRole, (person.id, Role.JUDGE)) is not None  # what this request read
    meanwhile(settings.database_url, lambda s: accounts_service.revoke_role(
        s, user=_user(s, person), role=Role.JUDGE, revoked_by=_user(s, second)))
    changed = accounts_service.revoke_role(db, user=person, role=Role.JUDGE, revoked_by=first)
    db.commit()
    assert not changed.has_role(Role.JUDGE)
    assert [(e.actor_id, e.details["role"]) for e in _events(db, "role.revoked")] == [
        (second.id, "judge")]
