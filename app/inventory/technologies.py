"""Technologies of the knowledge base: create, change, delete, verify, restore."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.db import utcnow
from app.errors import Conflict, NotFound
from app.history import service as history
from app.i18n.translate import N_, translatable
from app.inventory import records
from app.inventory.mechanisms import mechanism_names
from app.inventory.models import (
    Mechanism,
    Technology,
    TechnologyCountry,
    TechnologyMechanism,
    TechnologySector,
)
from app.inventory.records import TECHNOLOGY, require_curator
from app.inventory.schemas import TechnologyCreate, TechnologyFields
from app.reference import service as reference


def get_technology(db: Session, *, technology_id: int, for_update: bool = False) -> Technology:
    """`for_update` locks the row, as `mechanisms.get_mechanism` does."""
    technology = db.get(Technology, technology_id, with_for_update=for_update,
                        populate_existing=for_update)
    if technology is None:
        raise NotFound(N_("No such technology."))
    return technology


def find_technology(db: Session, *, name: str) -> Technology | None:
    return db.scalar(select(Technology).where(
        func.lower(Technology.name) == name.strip().lower()))


def list_all(db: Session) -> list[Technology]:
    return list(db.scalars(select(Technology).order_by(func.lower(Technology.name))))


def check_technology(db: Session, *, data: dict[str, Any] | TechnologyFields,
                     existing_id: int | None = None) -> TechnologyCreate:
    """Every rule a technology must meet (stage and TRL agree, a licence id for open licences,
    known countries and mechanisms, a unique name) or a 422/409."""
    fields = data.model_dump() if isinstance(data, TechnologyFields) else data
    problems = records.Problems()
    checked: TechnologyCreate | None = None
    with problems.collect():
        checked = records.validated(TechnologyCreate, fields)
    countries = problems.strings(checked.countries_deployed if checked
                                 else fields.get("countries_deployed"), "countries_deployed")
    if countries is not None:
        with problems.collect():
            countries = reference.check_countries(db, codes=countries,
                                                  field="countries_deployed")
    related = checked.related_mechanism_ids if checked else fields.get("related_mechanism_ids")
    if isinstance(related, list) and "related_mechanism_ids" not in problems.fields:
        wanted = {i for i in related if isinstance(i, int)}
        known = set(mechanism_names(db, wanted, keep=True))
        missing = [str(i) for i in sorted(wanted - known)]
        if missing:
            problems.fields["related_mechanism_ids"] = translatable(
                "no mechanism with id %(ids)s", ids=", ".join(missing))
    name = checked.name if checked else fields.get("name")
    if isinstance(name, str) and "name" not in problems.fields:
        same = find_technology(db, name=name)
        if same is not None and same.id != existing_id:
            problems.taken(translatable("A technology named %(name)s already exists.",
                                        name=repr(same.name)),
                           N_("another technology already has this name"))
    problems.raise_any()
    assert checked is not None and countries is not None  # noqa: S101 - no problems
    checked.countries_deployed = countries
    return checked


def _apply(t: Technology, data: TechnologyCreate) -> None:
    t.name, t.summary, t.description = data.name, data.summary, data.description
    t.stage, t.trl, t.mitigation_adaptation = data.stage, data.trl, data.mitigation_adaptation
    t.availability, t.licence_id, t.provider = data.availability, data.licence_id, data.provider
    t.links = list(data.links)
    records.sync(t.sectors, data.sectors, lambda r: r.sector, lambda v: TechnologySector(sector=v))
    records.sync(t.countries, data.countries_deployed, lambda r: r.country_code,
                 lambda v: TechnologyCountry(country_code=v))
    records.sync(t.mechanisms, data.related_mechanism_ids, lambda r: r.mechanism_id,
                 lambda v: TechnologyMechanism(mechanism_id=v))
    records.touch(t)


def _flush_unique(db: Session) -> None:
    try:
        db.flush()
    except IntegrityError as exc:
        raise Conflict(N_("A technology with this name already exists."), code="duplicate_name",
                       fields={"name": N_("another technology already has this name")}) from exc


def create_technology(db: Session, *, data: dict[str, Any] | TechnologyFields,
                      actor: User | None, note: str | None = None,
                      last_verified_at: dt.datetime | None = None,
                      action: str = "create", record: bool = True) -> Technology:
    require_curator(actor)
    checked = check_technology(db, data=data)
    technology = Technology(name=checked.name, stage=checked.stage,
                            availability=checked.availability,
                            last_verified_at=last_verified_at)
    db.add(technology)
    _apply(technology, checked)
    _flush_unique(db)
    if record:
        records.record_technology(db, technology, action=action, actor=actor, note=note)
    return technology


def update_technology(db: Session, *, technology: Technology, changes: dict[str, Any],
                      actor: User | None, action: str = "update",
                      note: str | None = None, record: bool = True) -> Technology:
    """Change some fields; the whole record is checked again. No change, no revision."""
    require_curator(actor)
    before = records.technology_content(technology)
    checked = check_technology(db, data={**before, **changes}, existing_id=technology.id)
    if checked.model_dump(mode="json") == before:
        return technology
    _apply(technology, checked)
    _flush_unique(db)
    if record:
        records.record_technology(db, technology, action=action, actor=actor, note=note)
    return technology


def delete_technology(db: Session, *, technology: Technology, actor: User | None) -> None:
    require_curator(actor)
    records.record_technology(db, technology, action="delete", actor=actor)
    db.delete(technology)
    db.flush()


def verify_technology(db: Session, *, technology: Technology, actor: User | None,
                      note: str | None = None) -> Technology:
    require_curator(actor)
    technology.last_verified_at = utcnow()
    records.record_technology(db, technology, action="verify", actor=actor, note=note)
    return technology


def restore_technology(db: Session, *, technology_id: int, number: int,
                       actor: User | None) -> Technology:
    """Bring back an old revision's content as a new revision (a deleted technology comes back
    with its id); related mechanisms that no longer exist are left out."""
    require_curator(actor)
    old = history.get_revision(db, entity_type=TECHNOLOGY, entity_id=technology_id,
                               number=number)
    content = {k: old.snapshot.get(k) for k in records.TECHNOLOGY_FIELDS}
    related = content.get("related_mechanism_ids") or []
    content["related_mechanism_ids"] = sorted(mechanism_names(db, set(related)))
    technology = db.get(Technology, technology_id, with_for_update=True, populate_existing=True)
    if technology is None:
        checked = check_technology(db, data=content)
        technology = Technology(id=technology_id, name=checked.name, stage=checked.stage,
                                availability=checked.availability)
        db.add(technology)
    else:
        checked = check_technology(db, data=content, existing_id=technology_id)
    _apply(technology, checked)
    _flush_unique(db)
    records.record_technology(db, technology, action="restore", actor=actor,
                              note=f"restored revision {number}")
    return technology


def related_mechanisms(db: Session, *, technology: Technology) -> list[Mechanism]:
    ids = [r.mechanism_id for r in technology.mechanisms]
    return list(db.scalars(select(Mechanism).where(Mechanism.id.in_(ids))
                           .order_by(func.lower(Mechanism.name))))


def technology_read(t: Technology) -> dict[str, Any]:
    """The fields of `TechnologyRead`."""
    return {"id": t.id, **records.technology_content(t), "last_verified_at": t.last_verified_at,
            "stale": records.is_stale(t.last_verified_at), "created_at": t.created_at,
            "updated_at": t.updated_at}
