from __future__ import annotations

import pytest
from sqlalchemy import delete
from sqlalchemy.orm import Session

from app.history.models import Revision
from app.inventory.models import Mechanism, MechanismLink, Suggestion, Technology


def empty_inventory(db: Session) -> None:
    """Remove every inventory record (the template database may hold the seed inventory)."""
    db.execute(delete(Suggestion))
    db.execute(delete(MechanismLink))
    for technology in db.query(Technology).all():
        db.delete(technology)
    for mechanism in db.query(Mechanism).all():
        db.delete(mechanism)
    db.execute(delete(Revision).where(Revision.entity_type.in_(["mechanism", "technology"])))
    db.commit()


@pytest.fixture(autouse=True)
def _start_with_an_empty_inventory(request: pytest.FixtureRequest) -> None:
    """Tests that use a database start from an empty inventory, so counts are known."""
    if "db" in request.fixturenames or "client" in request.fixturenames:
        empty_inventory(request.getfixturevalue("db"))
