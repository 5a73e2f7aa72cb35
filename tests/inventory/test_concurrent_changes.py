"""Two curators changing one record at the same moment (PostgreSQL, where requests run in
parallel transactions): the second waits for the first and then works on what the first left.

Each test holds the first change open in one session, starts the second in a thread on its own
session, checks that the second is waiting, then commits the first.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import Role, User
from app.config import Settings
from app.db import session_factory
from app.errors import Conflict, NotFound
from app.history import service as history
from app.history.models import Revision
from app.inventory import mechanisms, suggestions
from app.inventory.records import MECHANISM
from tests.concurrency import Second
from tests.factories import make_user
from tests.inventory.factories import make_mechanism


@pytest.fixture(autouse=True)
def _postgres_only(settings: Settings) -> None:
    if settings.is_sqlite:
        pytest.skip("parallel write transactions are PostgreSQL's; SQLite lets one writer at a "
                    "time")


def revisions(db: Session, mechanism_id: int) -> list[tuple[int, str]]:
    db.expire_all()
    return [(r.number, r.action) for r in db.scalars(
        select(Revision).where(Revision.entity_type == MECHANISM,
                               Revision.entity_id == mechanism_id).order_by(Revision.number))]


def test_two_revisions_of_one_record_at_once_take_consecutive_numbers(
        db: Session, settings: Settings) -> None:
    mechanism = make_mechanism(db)

    def note(session: Session) -> int:
        return history.record(session, entity_type=MECHANISM, entity_id=mechanism.id,
                              snapshot={"note": "second"}, action="verify", actor_id=None).number

    with session_factory(settings.database_url)() as first:
        assert note(first) == 2
        second = Second(settings.database_url, note)
        assert second.is_waiting(), "the second writer read the number before the first committed"
        first.commit()
    assert second.finish() == 3
    assert revisions(db, mechanism.id) == [(1, "create"), (2, "verify"), (3, "verify")]


def test_a_change_made_meanwhile_is_in_the_next_revision(db: Session,
                                                         settings: Settings) -> None:
    mechanism = make_mechanism(db, name="Old name", functions=["finance"])

    def add_function(session: Session) -> Any:
        current = mechanisms.get_mechanism(session, mechanism_id=mechanism.id, for_update=True)
        mechanisms.update_mechanism(session, mechanism=current, actor=None,
                                    changes={"functions": ["finance", "matchmaking"]})
        return current.name

    with session_factory(settings.database_url)() as first:
        renamed = mechanisms.get_mechanism(first, mechanism_id=mechanism.id, for_update=True)
        mechanisms.update_mechanism(first, mechanism=renamed, changes={"name": "New name"},
                                    actor=None)
        second = Second(settings.database_url, add_function)
        assert second.is_waiting()
        first.commit()
    assert second.finish() == "New name"
    latest = history.latest(db, entity_type=MECHANISM, entity_id=mechanism.id)
    assert latest is not None and latest.number == 3
    assert latest.snapshot["name"] == "New name"
    assert latest.snapshot["functions"] == ["finance", "matchmaking"]


def test_a_mechanism_deleted_meanwhile_is_not_found(db: Session, settings: Settings) -> None:
    mechanism = make_mechanism(db)

    def delete(session: Session) -> None:
        mechanisms.delete_mechanism(session, actor=None, mechanism=mechanisms.get_mechanism(
            session, mechanism_id=mechanism.id, for_update=True))

    with session_factory(settings.database_url)() as first:
        mechanisms.delete_mechanism(first, actor=None, mechanism=mechanisms.get_mechanism(
            first, mechanism_id=mechanism.id, for_update=True))
        second = Second(settings.database_url, delete)
        assert second.is_waiting()
        first.commit()
    assert isinstance(second.finish(), NotFound)
    assert revisions(db, mechanism.id) == [(1, "create"), (2, "delete")]


def test_one_suggestion_accepted_by_two_curators_at_once_is_applied_once(
        db: Session, settings: Settings) -> None:
    mechanism = make_mechanism(db, name="Before")
    author = make_user(db)
    curators = [make_user(db, roles=[Role.CURATOR]) for _ in range(2)]
    suggestion = suggestions.create_suggestion(db, author=author, entity_type=MECHANISM,
                                               entity_id=mechanism.id, payload={"name": "After"})
    db.commit()

    def accept(session: Session, curator_id: int) -> Any:
        curator = session.get(User, curator_id)
        assert curator is not None
        return suggestions.accept(session, curator=curator, suggestion=suggestions.get_suggestion(
            session, suggestion_id=suggestion.id, viewer=curator, for_update=True))

    with session_factory(settings.database_url)() as first:
        accept(first, curators[0].id)
        second = Second(settings.database_url, lambda session: accept(session, curators[1].id))
        assert second.is_waiting()
        first.commit()
    outcome = second.finish()
    assert isinstance(outcome, Conflict) and outcome.code == "already_decided"
    assert revisions(db, mechanism.id) == [(1, "create"), (2, "suggestion")]
