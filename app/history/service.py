"""Record and read revisions. Callers pass a JSON-ready snapshot of the record after the change."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import NotFound
from app.history.diff import FieldChange, changed_fields, diff
from app.history.models import Revision


def latest(db: Session, *, entity_type: str, entity_id: int) -> Revision | None:
    return db.scalar(select(Revision).where(
        Revision.entity_type == entity_type, Revision.entity_id == entity_id)
        .order_by(Revision.number.desc()).limit(1))


def record(db: Session, *, entity_type: str, entity_id: int, snapshot: dict[str, Any],
           action: str, actor_id: int | None, note: str | None = None) -> Revision:
    """Append the next revision of a record; `changed_fields` is computed from the previous one."""
    previous = latest(db, entity_type=entity_type, entity_id=entity_id)
    revision = Revision(
        entity_type=entity_type, entity_id=entity_id,
        number=(previous.number + 1) if previous else 1, action=action, snapshot=snapshot,
        changed_fields=changed_fields(previous.snapshot if previous else None, snapshot),
        actor_id=actor_id, note=note)
    db.add(revision)
    db.flush()
    return revision


def list_revisions(db: Session, *, entity_type: str, entity_id: int) -> list[Revision]:
    """Newest first."""
    return list(db.scalars(select(Revision).where(
        Revision.entity_type == entity_type, Revision.entity_id == entity_id)
        .order_by(Revision.number.desc())))


def get_revision(db: Session, *, entity_type: str, entity_id: int, number: int) -> Revision:
    revision = db.scalar(select(Revision).where(
        Revision.entity_type == entity_type, Revision.entity_id == entity_id,
        Revision.number == number))
    if revision is None:
        raise NotFound("No such revision.")
    return revision


def compare(db: Session, *, entity_type: str, entity_id: int, older: int,
            newer: int) -> list[FieldChange]:
    """What changed between two revisions of one record."""
    a = get_revision(db, entity_type=entity_type, entity_id=entity_id, number=older)
    b = get_revision(db, entity_type=entity_type, entity_id=entity_id, number=newer)
    return diff(a.snapshot, b.snapshot)


def count(db: Session, *, entity_type: str, entity_id: int) -> int:
    return db.scalar(select(func.count()).select_from(Revision).where(
        Revision.entity_type == entity_type, Revision.entity_id == entity_id)) or 0
