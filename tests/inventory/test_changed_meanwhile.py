"""A write whose record another request removed after this one read it (SQLite, which has no
row locks to make the second writer wait; on PostgreSQL the row lock orders the two, see
test_concurrent_changes.py): a 409 saying so, never a 500. The API fuzzer met this 500 with two
workers: DELETE /api/v1/mechanisms/1 beside DELETE /api/v1/mechanisms/1/links/1."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.accounts.models import Role
from app.config import Settings
from app.db import session_factory
from app.inventory import mechanisms
from tests.factories import make_user
from tests.inventory.factories import curator, make_mechanism


@pytest.fixture(autouse=True)
def _sqlite_only(settings: Settings) -> None:
    if not settings.is_sqlite:
        pytest.skip("PostgreSQL's row lock makes the deleting request wait for this one")


def removed_while_unlinking(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    """After the route has read the mechanism and its link, another session deletes the
    mechanism and commits (the fuzzer's two workers did it by timing)."""
    touch = mechanisms.records.touch

    def lose_then_touch(mechanism: Any) -> None:
        with session_factory(settings.database_url)() as other:
            other_curator = make_user(other, roles=[Role.CURATOR])
            mechanisms.delete_mechanism(
                other, mechanism=mechanisms.get_mechanism(other, mechanism_id=mechanism.id),
                actor=other_curator)
            other.commit()
        touch(mechanism)

    monkeypatch.setattr(mechanisms.records, "touch", lose_then_touch)


def test_a_change_to_a_mechanism_removed_meanwhile_is_a_409(
        client: TestClient, db: Session, settings: Settings,
        monkeypatch: pytest.MonkeyPatch) -> None:
    source, target = make_mechanism(db), make_mechanism(db)
    headers = curator(client, db)
    linked = client.post(f"/api/v1/mechanisms/{source.id}/links", headers=headers,
                         json={"target_id": target.id, "type": "funded_by"})
    assert linked.status_code == 201, linked.text
    removed_while_unlinking(monkeypatch, settings)

    response = client.delete(f"/api/v1/mechanisms/{source.id}/links/{linked.json()['id']}",
                             headers=headers)
    assert response.status_code == 409, response.text
    assert response.json()["error"]["code"] == "changed_meanwhile"
    assert client.get(f"/api/v1/mechanisms/{source.id}").status_code == 404


def test_the_409_is_in_the_schema_of_every_write() -> None:
    from app.main import create_app

    schema = create_app().openapi()
    operation = schema["paths"]["/api/v1/mechanisms/{mechanism_id}/links/{link_id}"]["delete"]
    assert "409" in operation["responses"]


def test_a_revision_numbered_by_another_writer_meanwhile_is_a_409_not_a_500(
        db: Session, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite's driver reads outside the write transaction: another request can take the next
    revision number between this one's read of the latest and its insert (the fuzzer met it as
    two DELETE /api/v1/mechanisms/1 at once)."""
    from app.errors import Conflict
    from app.history import service as history

    actor = make_user(db, roles=[Role.CURATOR])
    mechanism = make_mechanism(db, actor=actor)
    db.commit()
    real_latest, taken = history.latest, []

    def latest_then_another_writer(session: Session, **key: Any) -> Any:
        found = real_latest(session, **key)
        if not taken:
            taken.append(True)
            with session_factory(settings.database_url)() as other:
                history.record(other, entity_type=key["entity_type"],
                               entity_id=key["entity_id"], snapshot={}, action="verify",
                               actor_id=None)
                other.commit()
        return found

    monkeypatch.setattr(history, "latest", latest_then_another_writer)
    with pytest.raises(Conflict) as refused:
        mechanisms.delete_mechanism(db, mechanism=mechanism, actor=actor)
    assert refused.value.code == "concurrent_change"
