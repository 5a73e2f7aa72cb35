"""A record that is about to point at a mechanism or a need while a curator deletes it
(PostgreSQL): the delete waits for the share lock the check took, or the check waits for the
delete and then names the field. Either way a 4xx or a success, never a foreign-key 500 (the
fuzzer found one: PATCH /api/v1/challenges/{id} beside DELETE /api/v1/mechanisms/{id})."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.challenges import authoring
from app.challenges.models import Challenge
from app.challenges.schemas import ChallengeUpdate
from app.config import Settings
from app.db import session_factory
from app.errors import ValidationFailed
from app.inventory import mechanisms
from tests.challenges.factories import draft, sponsor
from tests.concurrency import Second
from tests.inventory.factories import make_mechanism


@pytest.fixture(autouse=True)
def _postgres_only(settings: Settings) -> None:
    if settings.is_sqlite:
        pytest.skip("parallel write transactions are PostgreSQL's; SQLite lets one writer at a "
                    "time")


def link(session: Session, challenge_id: int, owner_id: int, mechanism_id: int) -> object:
    challenge = session.get(Challenge, challenge_id)
    owner = session.get(User, owner_id)
    assert challenge is not None and owner is not None
    return authoring.update(session, challenge=challenge, user=owner, body=ChallengeUpdate(
        mechanisms=[{"mechanism_id": mechanism_id, "role": "scale_up_support"}]))


def test_a_mechanism_deleted_while_a_draft_links_it_is_named_in_the_answer(
        db: Session, settings: Settings) -> None:
    owner = sponsor(db)
    challenge, mechanism = draft(db, owner), make_mechanism(db)
    db.commit()
    with session_factory(settings.database_url)() as first:
        mechanisms.delete_mechanism(first, actor=None, mechanism=mechanisms.get_mechanism(
            first, mechanism_id=mechanism.id, for_update=True))
        second = Second(settings.database_url,
                        lambda s: link(s, challenge.id, owner.id, mechanism.id))
        assert second.is_waiting()
        first.commit()
    outcome = second.finish()
    assert isinstance(outcome, ValidationFailed), outcome
    assert outcome.fields == {"mechanisms.0.mechanism_id": f"no mechanism with id {mechanism.id}"}


def test_a_delete_waits_for_the_draft_that_links_the_mechanism(db: Session,
                                                               settings: Settings) -> None:
    owner = sponsor(db)
    challenge, mechanism = draft(db, owner), make_mechanism(db)
    db.commit()
    with session_factory(settings.database_url)() as first:
        link(first, challenge.id, owner.id, mechanism.id)

        def delete(session: Session) -> None:
            mechanisms.delete_mechanism(session, actor=None, mechanism=mechanisms.get_mechanism(
                session, mechanism_id=mechanism.id, for_update=True))

        second = Second(settings.database_url, delete)
        assert second.is_waiting()
        first.commit()
    assert second.finish() is None  # deleted after the draft saved; the link went with it
    db.expire_all()
    assert db.get(Challenge, challenge.id).mechanisms == []  # type: ignore[union-attr]
