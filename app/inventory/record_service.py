"""The life every inventory record shares: find, create, change, verify, restore, read.

Mechanisms and technologies differ in their fields and rules (`mechanisms.check_mechanism`,
`technologies.check_technology`) but not in how a record is locked, saved, revised and brought
back; each kind's `RecordRules` tells the shared flow what differs, and its own service module
keeps its public, kind-named functions (`create_mechanism`, `get_technology`, ...) on top.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.db import utcnow
from app.errors import Conflict, NotFound
from app.history import service as history
from app.history.models import Revision
from app.i18n.translate import translatable
from app.inventory.models import Mechanism, Technology
from app.inventory.records import Problems, is_stale, require_curator

R = TypeVar("R", Mechanism, Technology)
C = TypeVar("C", bound=BaseModel)  # the kind's checked content (`MechanismCreate`)


@dataclass(frozen=True)
class RecordRules(Generic[R, C]):
    """What the shared flow needs to know about one kind of record."""

    entity_type: str  # records.MECHANISM: how the history and suggestions name the kind
    model: type[R]
    fields: tuple[str, ...]  # the editable fields a revision's snapshot holds
    content: Callable[[R], dict[str, Any]]  # the record's editable fields (`records.*_content`)
    check: Callable[..., C]  # the kind's rules: (db, data=, existing_id=) -> checked content
    apply: Callable[[Session, R, C], None]  # write checked content onto the row
    new: Callable[[C], R]  # a row holding the columns that may never be empty
    revise: Callable[..., Revision]  # `records.record_*`: the revision after a change
    missing: str  # N_("No such mechanism.")
    name_taken: str  # N_("A mechanism named %(name)s already exists.")
    name_duplicate: str  # N_("A mechanism with this name already exists.")
    name_field_taken: str  # N_("another mechanism already has this name"), next to the field
    # The old snapshot's content as it can come back today (references that are gone dropped).
    restorable: Callable[[Session, dict[str, Any]], dict[str, Any]] = lambda db, content: content
    # What the snapshot holds besides the content (a mechanism's links), brought back too.
    restore_more: Callable[[Session, R, dict[str, Any]], None] = lambda db, record, old: None


def get(db: Session, rules: RecordRules[R, C], *, record_id: int, for_update: bool = False) -> R:
    """`for_update` locks the row (PostgreSQL) until the transaction ends: a second change waits
    for the first and then sees it; a record deleted meanwhile is a 404."""
    record = db.get(rules.model, record_id, with_for_update=for_update,
                    populate_existing=for_update)
    if record is None:
        raise NotFound(rules.missing)
    return record


def find(db: Session, rules: RecordRules[R, C], *, name: str) -> R | None:
    """The record with this name, whatever its case."""
    model = rules.model
    return db.scalar(select(model).where(func.lower(model.name) == name.strip().lower()))


def list_all(db: Session, rules: RecordRules[R, C]) -> list[R]:
    model = rules.model
    return list(db.scalars(select(model).order_by(func.lower(model.name))))


def check_name_free(db: Session, rules: RecordRules[R, C], problems: Problems, name: Any,
                    existing_id: int | None) -> None:
    """Another record of the kind with the same name (whatever its case) is a problem."""
    if isinstance(name, str) and "name" not in problems.fields:
        same = find(db, rules, name=name)
        if same is not None and same.id != existing_id:
            problems.taken(translatable(rules.name_taken, name=repr(same.name)),
                           rules.name_field_taken)


def _flush_unique(db: Session, rules: RecordRules[R, C]) -> None:
    try:
        db.flush()
    except IntegrityError as exc:  # a concurrent insert of the same name
        raise Conflict(rules.name_duplicate, code="duplicate_name",
                       fields={"name": rules.name_field_taken}) from exc


def create(db: Session, rules: RecordRules[R, C], *, data: dict[str, Any] | BaseModel,
           actor: User | None, note: str | None = None,
           last_verified_at: dt.datetime | None = None, record_id: int | None = None,
           action: str = "create", record: bool = True) -> R:
    """Add a record (a curator's edit; `actor=None` is the seed or a CLI import)."""
    require_curator(actor)
    checked = rules.check(db, data=data)
    row = rules.new(checked)
    if record_id is not None:  # the seed keeps its ids
        row.id = record_id
    row.last_verified_at = last_verified_at
    db.add(row)
    rules.apply(db, row, checked)
    _flush_unique(db, rules)
    if record:
        rules.revise(db, row, action=action, actor=actor, note=note)
    return row


def update(db: Session, rules: RecordRules[R, C], *, record: R, changes: dict[str, Any],
           actor: User | None, action: str = "update", note: str | None = None,
           revise: bool = True) -> R:
    """Change some fields; the whole record is checked again. No change, no revision."""
    require_curator(actor)
    before = rules.content(record)
    checked = rules.check(db, data={**before, **changes}, existing_id=record.id)
    if checked.model_dump(mode="json") == before:
        return record
    rules.apply(db, record, checked)
    _flush_unique(db, rules)
    if revise:
        rules.revise(db, record, action=action, actor=actor, note=note)
    return record


def verify(db: Session, rules: RecordRules[R, C], *, record: R, actor: User | None,
           note: str | None = None) -> R:
    """A curator checked the record against its sources today."""
    require_curator(actor)
    record.last_verified_at = utcnow()
    rules.revise(db, record, action="verify", actor=actor, note=note)
    return record


def restore(db: Session, rules: RecordRules[R, C], *, record_id: int, number: int,
            actor: User | None) -> R:
    """Bring back an old revision's content as a new revision; a deleted record comes back
    with its id."""
    require_curator(actor)
    old = history.get_revision(db, entity_type=rules.entity_type, entity_id=record_id,
                               number=number)
    content = rules.restorable(db, {k: old.snapshot.get(k) for k in rules.fields})
    record = db.get(rules.model, record_id, with_for_update=True, populate_existing=True)
    if record is None:
        checked = rules.check(db, data=content)
        record = rules.new(checked)
        record.id = record_id
        db.add(record)
    else:
        checked = rules.check(db, data=content, existing_id=record_id)
    rules.apply(db, record, checked)
    _flush_unique(db, rules)
    rules.restore_more(db, record, old.snapshot)
    rules.revise(db, record, action="restore", actor=actor, note=f"restored revision {number}")
    return record


def read(rules: RecordRules[R, C], record: R) -> dict[str, Any]:
    """The fields of the kind's `...Read` schema."""
    return {"id": record.id, **rules.content(record), "last_verified_at": record.last_verified_at,
            "stale": is_stale(record.last_verified_at), "created_at": record.created_at,
            "updated_at": record.updated_at}
