"""Technologies of the knowledge base: create, change, delete, verify, restore."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.i18n.translate import N_, translatable
from app.inventory import record_service, records
from app.inventory.mechanisms import mechanism_names
from app.inventory.models import (
    Mechanism,
    Technology,
    TechnologyCountry,
    TechnologyMechanism,
    TechnologySector,
)
from app.inventory.record_service import RecordRules
from app.inventory.records import TECHNOLOGY, require_curator
from app.inventory.schemas import TechnologyCreate, TechnologyFields
from app.reference import service as reference


def get_technology(db: Session, *, technology_id: int, for_update: bool = False) -> Technology:
    """`for_update` locks the row, as `mechanisms.get_mechanism` does."""
    return record_service.get(db, RULES, record_id=technology_id, for_update=for_update)


def find_technology(db: Session, *, name: str) -> Technology | None:
    return record_service.find(db, RULES, name=name)


def list_all(db: Session) -> list[Technology]:
    return record_service.list_all(db, RULES)


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
    record_service.check_name_free(db, RULES, problems, checked.name if checked
                                   else fields.get("name"), existing_id)
    problems.raise_any()
    assert checked is not None and countries is not None  # noqa: S101 - no problems
    checked.countries_deployed = countries
    return checked


def _apply(db: Session, t: Technology, data: TechnologyCreate) -> None:
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


def _without_deleted_mechanisms(db: Session, content: dict[str, Any]) -> dict[str, Any]:
    """An old revision comes back without the related mechanisms deleted since."""
    related = content.get("related_mechanism_ids") or []
    return {**content, "related_mechanism_ids": sorted(mechanism_names(db, set(related)))}


RULES: RecordRules[Technology, TechnologyCreate] = RecordRules(
    entity_type=TECHNOLOGY, model=Technology, fields=records.TECHNOLOGY_FIELDS,
    content=records.technology_content, check=check_technology, apply=_apply,
    new=lambda checked: Technology(name=checked.name, stage=checked.stage,
                                   availability=checked.availability),
    revise=records.record_technology, restorable=_without_deleted_mechanisms,
    missing=N_("No such technology."),
    name_taken=N_("A technology named %(name)s already exists."),
    name_duplicate=N_("A technology with this name already exists."),
    name_field_taken=N_("another technology already has this name"))


def create_technology(db: Session, *, data: dict[str, Any] | TechnologyFields,
                      actor: User | None, note: str | None = None,
                      last_verified_at: dt.datetime | None = None,
                      action: str = "create", record: bool = True) -> Technology:
    return record_service.create(db, RULES, data=data, actor=actor, note=note,
                                 last_verified_at=last_verified_at, action=action, record=record)


def update_technology(db: Session, *, technology: Technology, changes: dict[str, Any],
                      actor: User | None, action: str = "update",
                      note: str | None = None, record: bool = True) -> Technology:
    """Change some fields; the whole record is checked again. No change, no revision."""
    return record_service.update(db, RULES, record=technology, changes=changes, actor=actor,
                                 action=action, note=note, revise=record)


def delete_technology(db: Session, *, technology: Technology, actor: User | None) -> None:
    require_curator(actor)
    records.record_technology(db, technology, action="delete", actor=actor)
    db.delete(technology)
    db.flush()


def verify_technology(db: Session, *, technology: Technology, actor: User | None,
                      note: str | None = None) -> Technology:
    return record_service.verify(db, RULES, record=technology, actor=actor, note=note)


def restore_technology(db: Session, *, technology_id: int, number: int,
                       actor: User | None) -> Technology:
    """Bring back an old revision's content as a new revision (a deleted technology comes back
    with its id); related mechanisms that no longer exist are left out."""
    return record_service.restore(db, RULES, record_id=technology_id, number=number,
                                  actor=actor)


def related_mechanisms(db: Session, *, technology: Technology) -> list[Mechanism]:
    ids = [r.mechanism_id for r in technology.mechanisms]
    return list(db.scalars(select(Mechanism).where(Mechanism.id.in_(ids))
                           .order_by(func.lower(Mechanism.name))))


def technology_read(t: Technology) -> dict[str, Any]:
    """The fields of `TechnologyRead`."""
    return record_service.read(RULES, t)
