"""A small world to report things in: a published challenge with an answered question."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import Role, User
from app.challenges import qa
from app.challenges.models import Challenge, ChallengeQuestion
from app.inventory import suggestions
from app.inventory.models import Mechanism, MechanismKind, Suggestion
from app.notifications.models import OutboxMessage
from tests.challenges.factories import published
from tests.factories import make_user, token_for


@dataclass
class World:
    sponsor: User
    admin: User
    curator: User
    solver: User
    other: User
    challenge: Challenge
    question: ChallengeQuestion


def world(db: Session) -> World:
    sponsor = make_user(db, roles=[Role.SPONSOR])
    admin = make_user(db, roles=[Role.ADMIN])
    curator = make_user(db, roles=[Role.CURATOR])
    solver = make_user(db)
    other = make_user(db)
    challenge = published(db, sponsor, admin)
    question = qa.ask(db, challenge=challenge, user=other,
                      body="Buy cheap watches at spam.example now")
    qa.answer(db, challenge=challenge, question_id=question.id, user=sponsor,
              text="We do not sell watches.")
    db.commit()
    return World(sponsor, admin, curator, solver, other, challenge, question)


def headers(client: TestClient, user: User) -> dict[str, str]:
    return token_for(client, user.email or "")


def report(client: TestClient, auth: dict[str, str], kind: str, subject_id: int,
           reason: str = "spam", note: str | None = None) -> object:
    return client.post("/api/v1/reports", headers=auth, json={
        "subject_kind": kind, "subject_id": subject_id, "reason": reason, "note": note})


def outbox(db: Session, user: User, kind: str) -> list[OutboxMessage]:
    db.expire_all()
    return list(db.scalars(select(OutboxMessage).where(OutboxMessage.recipient_id == user.id,
                                                       OutboxMessage.kind == kind)))


def suggested_edit(db: Session, author: User, *, fund: str, new_name: str,
                   comment: str) -> Suggestion:
    """A suggestion by `author` to rename a new fund `fund` (something to report)."""
    mechanism = Mechanism(name=fund, kind=MechanismKind.FUND)
    db.add(mechanism)
    db.flush()
    return suggestions.create_suggestion(
        db, author=author, entity_type="mechanism", entity_id=mechanism.id,
        payload={"name": new_name}, comment=comment)
