"""Record and read revisions. Callers pass a JSON-ready snapshot of the record after the change."""

from __future__ import annotations

import zlib
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import NotFound
from app.history.diff import FieldChange, changed_fields, diff
from app.history.models import Revision
from app.i18n.translate import N_
from app.kit.conflicts import taken_meanwhile


def latest(db: Session, *, entity_type: str, entity_id: int) -> Revision | None:
    return db.scalar(select(Revision).where(
        Revision.entity_type == entity_type, Revision.entity_id == entity_id)
        .order_by(Revision.number.desc()).limit(1))


def _serialise_writers(db: Session, *, entity_type: str, entity_id: int) -> None:
    """Let one transaction at a time number this record's next revision (PostgreSQL).

    Two writers that both read the latest number before either commits would take the same next
    number, and the second would fail on the unique constraint (a 500). A transaction-scoped
    advisory lock on (type, id) makes the second wait for the first to commit, and its read then
    sees the first one's revision. SQLite needs nothing: it lets one writer at a time.
    """
    if db.get_bind().dialect.name != "postgresql":
        return
    # Both keys are int4: the type's CRC-32 and the id folded into the signed range.
    type_key = zlib.crc32(entity_type.encode()) - 2**31
    id_key = (entity_id % 2**32) - 2**31
    db.execute(select(func.pg_advisory_xact_lock(type_key, id_key)))


def record(db: Session, *, entity_type: str, entity_id: int, snapshot: dict[str, Any],
           action: str, actor_id: int | None, note: str | None = None) -> Revision:
    """Append the next revision of a record; `changed_fields` is computed from the previous one."""
    _serialise_writers(db, entity_type=entity_type, entity_id=entity_id)
    previous = latest(db, entity_type=entity_type, entity_id=entity_id)
    revision = Revision(
        entity_type=entity_type, entity_id=entity_id,
        number=(previous.number + 1) if previous else 1, action=action, snapshot=snapshot,
        changed_fields=changed_fields(previous.snapshot if previous else None, snapshot),
        actor_id=actor_id, note=note)
    db.add(revision)
    # Another writer may have taken the number since we read the latest (SQLite).
    with taken_meanwhile(N_("This record changed meanwhile; reload and try again."),
                         code="concurrent_change"):
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
        raise NotFound(N_("No such revision."))
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
