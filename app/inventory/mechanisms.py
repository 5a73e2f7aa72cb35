"""Mechanisms and the typed links between them: create, change, delete, verify, restore."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, func, null, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.errors import Conflict, NotFound, ValidationFailed
from app.i18n.translate import N_, translatable
from app.inventory import record_service, records
from app.inventory.models import (
    LinkType,
    Mechanism,
    MechanismFunction,
    MechanismLink,
    MechanismScope,
    MechanismSector,
    MechanismStage,
    Technology,
    TechnologyMechanism,
)
from app.inventory.record_service import RecordRules
from app.inventory.records import MECHANISM, require_curator
from app.inventory.schemas import MechanismCreate, MechanismFields
from app.reference import service as reference
from app.reference.models import Country


def get_mechanism(db: Session, *, mechanism_id: int, for_update: bool = False) -> Mechanism:
    """`for_update` locks the row (see `record_service.get`); a missing mechanism is a 404."""
    return record_service.get(db, RULES, record_id=mechanism_id, for_update=for_update)


def find_mechanism(db: Session, *, name: str) -> Mechanism | None:
    """The mechanism with this name, whatever its case."""
    return record_service.find(db, RULES, name=name)


def mechanism_names(db: Session, ids: set[int] | None = None,
                    keep: bool = False) -> dict[int, str]:
    """Names by id. `keep` holds a share lock on those rows (PostgreSQL) until the transaction
    ends, so a record about to point at them cannot lose them to a concurrent delete (that
    would fail its foreign key: a 500)."""
    stmt = select(Mechanism.id, Mechanism.name)
    if ids is not None:
        stmt = stmt.where(Mechanism.id.in_(ids))
    if keep:
        stmt = stmt.with_for_update(read=True)
    return {row.id: row.name for row in db.execute(stmt)}


def list_all(db: Session) -> list[Mechanism]:
    return record_service.list_all(db, RULES)


def check_mechanism(db: Session, *, data: dict[str, Any] | MechanismFields,
                    existing_id: int | None = None) -> MechanismCreate:
    """Every rule a mechanism must meet (fields, known codes, a unique name), or one 422 naming
    every bad field (a 409 when the name is taken and nothing else is wrong)."""
    fields = data.model_dump() if isinstance(data, MechanismFields) else data
    problems = records.Problems()
    checked: MechanismCreate | None = None
    with problems.collect():
        checked = records.validated(MechanismCreate, fields)
    scope = problems.strings(checked.scope if checked else fields.get("scope"), "scope")
    if scope is not None:
        with problems.collect():
            scope = reference.check_scope(db, codes=[c.upper() for c in scope], field="scope")
    record_service.check_name_free(db, RULES, problems, checked.name if checked
                                   else fields.get("name"), existing_id)
    problems.raise_any()
    assert checked is not None and scope is not None  # noqa: S101 - no problems, so both set
    checked.scope = scope
    return checked


def _apply(db: Session, m: Mechanism, data: MechanismCreate) -> None:
    m.name, m.acronym, m.kind = data.name, data.acronym, data.kind
    m.hosts, m.description, m.website = list(data.hosts), data.description, data.website
    m.founded_year, m.sources = data.founded_year, list(data.sources)
    # An explicit NULL: a plain None would let the column default (active) fill it in.
    m.status = data.status if data.status is not None else null()  # type: ignore[assignment]
    budget = data.budget
    m.budget_amount_minor = budget.amount_minor if budget else None
    m.budget_currency = budget.currency if budget else None
    m.budget_year = budget.year if budget else None
    m.budget_note = budget.note if budget else None
    records.sync(m.functions, data.functions, lambda r: r.function,
                 lambda v: MechanismFunction(function=v))
    records.sync(m.sectors, data.sectors, lambda r: r.sector, lambda v: MechanismSector(sector=v))
    records.sync(m.stages, data.stages, lambda r: r.stage, lambda v: MechanismStage(stage=v))
    countries = set(db.scalars(select(Country.alpha3).where(Country.alpha3.in_(data.scope))))
    records.sync(m.scope, data.scope, lambda r: r.code,
                 lambda c: MechanismScope(country_code=c) if c in countries
                 else MechanismScope(group_code=c))
    records.touch(m)


def _restore_links(db: Session, mechanism: Mechanism, snapshot: dict[str, Any]) -> None:
    """An old revision's outgoing links come back too (those to mechanisms still there)."""
    set_links(db, mechanism=mechanism, links=[
        (link["target_id"], LinkType(link["type"]), link.get("note"))
        for link in snapshot.get("links", [])])


RULES: RecordRules[Mechanism, MechanismCreate] = RecordRules(
    entity_type=MECHANISM, model=Mechanism, fields=records.MECHANISM_FIELDS,
    content=records.mechanism_content, check=check_mechanism, apply=_apply,
    new=lambda checked: Mechanism(name=checked.name, kind=checked.kind),
    revise=records.record_mechanism, restore_more=_restore_links,
    missing=N_("No such mechanism."),
    name_taken=N_("A mechanism named %(name)s already exists."),
    name_duplicate=N_("A mechanism with this name already exists."),
    name_field_taken=N_("another mechanism already has this name"))


def create_mechanism(db: Session, *, data: dict[str, Any] | MechanismFields, actor: User | None,
                     note: str | None = None, last_verified_at: dt.datetime | None = None,
                     mechanism_id: int | None = None, action: str = "create",
                     record: bool = True) -> Mechanism:
    """Add a mechanism (a curator's edit; `actor=None` is the seed or a CLI import)."""
    return record_service.create(db, RULES, data=data, actor=actor, note=note,
                                 last_verified_at=last_verified_at, record_id=mechanism_id,
                                 action=action, record=record)


def update_mechanism(db: Session, *, mechanism: Mechanism, changes: dict[str, Any],
                     actor: User | None, action: str = "update", note: str | None = None,
                     record: bool = True) -> Mechanism:
    """Change some fields; the whole record is checked again. No change, no revision."""
    return record_service.update(db, RULES, record=mechanism, changes=changes, actor=actor,
                                 action=action, note=note, revise=record)


def delete_mechanism(db: Session, *, mechanism: Mechanism, actor: User | None) -> None:
    """Delete a mechanism; its history stays (and can restore it), and the records that pointed
    at it (links from other mechanisms, technologies) get a revision saying they lost it."""
    require_curator(actor)
    note = f"{mechanism.name} was deleted"
    sources = list(db.scalars(select(Mechanism).where(Mechanism.id.in_(
        select(MechanismLink.source_id).where(MechanismLink.target_id == mechanism.id,
                                              MechanismLink.source_id != mechanism.id)))))
    technologies = list(db.scalars(select(Technology).where(Technology.id.in_(
        select(TechnologyMechanism.technology_id).where(
            TechnologyMechanism.mechanism_id == mechanism.id)))))
    records.record_mechanism(db, mechanism, action="delete", actor=actor)
    db.execute(delete(MechanismLink).where((MechanismLink.source_id == mechanism.id)
                                           | (MechanismLink.target_id == mechanism.id)))
    for technology in technologies:
        records.sync(technology.mechanisms, [r.mechanism_id for r in technology.mechanisms
                                             if r.mechanism_id != mechanism.id],
                     lambda r: r.mechanism_id, lambda v: TechnologyMechanism(mechanism_id=v))
        records.touch(technology)
    db.delete(mechanism)
    db.flush()
    for source in sources:
        records.record_mechanism(db, source, action="unlink", actor=actor, note=note)
    for technology in technologies:
        records.record_technology(db, technology, action="update", actor=actor, note=note)


def verify_mechanism(db: Session, *, mechanism: Mechanism, actor: User | None,
                     note: str | None = None) -> Mechanism:
    """A curator checked the record against its sources today."""
    return record_service.verify(db, RULES, record=mechanism, actor=actor, note=note)


def restore_mechanism(db: Session, *, mechanism_id: int, number: int,
                      actor: User | None) -> Mechanism:
    """Bring back the content and links of an old revision (as a new revision); a deleted
    mechanism comes back with its id. Links to mechanisms that no longer exist are left out."""
    return record_service.restore(db, RULES, record_id=mechanism_id, number=number, actor=actor)


def set_links(db: Session, *, mechanism: Mechanism,
              links: list[tuple[int, LinkType, str | None]]) -> tuple[int, int]:
    """Make the mechanism's outgoing links exactly `links` (skipping missing targets and
    itself); returns (added, removed). Records no revision: the caller does."""
    existing_ids = set(mechanism_names(db, {t for t, _, _ in links}, keep=True))
    wanted = {(t, kind): note for t, kind, note in links
              if t in existing_ids and t != mechanism.id}
    current = {(link.target_id, link.link_type): link for link in db.scalars(
        select(MechanismLink).where(MechanismLink.source_id == mechanism.id))}
    removed = 0
    for key, link in current.items():
        if key not in wanted:
            db.delete(link)
            removed += 1
        elif link.note != wanted[key]:
            link.note = wanted[key]
    added = 0
    for (target, kind), note in wanted.items():
        if (target, kind) not in current:
            db.add(MechanismLink(source_id=mechanism.id, target_id=target, link_type=kind,
                                 note=note))
            added += 1
    db.flush()
    return added, removed


def list_links(db: Session, *, mechanism_id: int) -> list[dict[str, Any]]:
    """Links from and to a mechanism, with both names, outgoing first."""
    links = list(db.scalars(select(MechanismLink).where(
        (MechanismLink.source_id == mechanism_id) | (MechanismLink.target_id == mechanism_id))))
    names = mechanism_names(db, {link.source_id for link in links}
                            | {link.target_id for link in links})
    return sorted(({"id": link.id, "source_id": link.source_id,
                    "source_name": names.get(link.source_id, "?"),
                    "target_id": link.target_id, "target_name": names.get(link.target_id, "?"),
                    "type": link.link_type, "note": link.note} for link in links),
                  key=lambda d: (d["source_id"] != mechanism_id, d["type"].value,
                                 d["target_name"].lower(), d["source_name"].lower()))


def add_link(db: Session, *, mechanism: Mechanism, target_id: int, link_type: LinkType,
             note: str | None, actor: User | None) -> MechanismLink:
    """Add `mechanism --link_type--> target`; a revision of the source records it."""
    require_curator(actor)
    if target_id == mechanism.id:
        raise ValidationFailed(N_("A mechanism cannot be linked to itself."),
                               fields={"target_id": N_("a mechanism cannot link to itself")})
    target = db.get(Mechanism, target_id, with_for_update={"read": True})
    if target is None:
        raise ValidationFailed(N_("The target mechanism does not exist."),
                               fields={"target_id": N_("no mechanism with this id")})
    exists = db.scalar(select(MechanismLink).where(
        MechanismLink.source_id == mechanism.id, MechanismLink.target_id == target_id,
        MechanismLink.link_type == link_type))
    if exists is not None:
        raise Conflict(N_("This link already exists."), code="duplicate_link",
                       fields={"target_id": translatable("already linked as %(type)s",
                                                          type=link_type.value)})
    note = (note or "").strip() or None
    link = MechanismLink(source_id=mechanism.id, target_id=target_id, link_type=link_type,
                         note=note)
    db.add(link)
    records.touch(mechanism)
    records.record_mechanism(db, mechanism, action="link", actor=actor,
                             note=f"{link_type.value} {target.name}")
    return link


def remove_link(db: Session, *, mechanism: Mechanism, link_id: int, actor: User | None) -> None:
    require_curator(actor)
    link = db.get(MechanismLink, link_id)
    if link is None or link.source_id != mechanism.id:
        raise NotFound(N_("No such link from this mechanism."))
    target_name = mechanism_names(db, {link.target_id}).get(link.target_id, "?")
    db.delete(link)
    records.touch(mechanism)
    records.record_mechanism(db, mechanism, action="unlink", actor=actor,
                             note=f"{link.link_type.value} {target_name}")


def related_technologies(db: Session, *, mechanism_id: int) -> list[Technology]:
    return list(db.scalars(select(Technology).where(Technology.id.in_(
        select(TechnologyMechanism.technology_id).where(
            TechnologyMechanism.mechanism_id == mechanism_id)))
        .order_by(func.lower(Technology.name))))


def mechanism_read(m: Mechanism) -> dict[str, Any]:
    """The fields of `MechanismRead`."""
    return record_service.read(RULES, m)


def graph_links(db: Session, *, mechanism_id: int) -> list[MechanismLink]:
    """Links touching the mechanism, and the links among the mechanisms those reach."""
    touching = list(db.scalars(select(MechanismLink).where(
        (MechanismLink.source_id == mechanism_id) | (MechanismLink.target_id == mechanism_id))))
    around = {link.source_id for link in touching} | {link.target_id for link in touching}
    around.discard(mechanism_id)
    among = list(db.scalars(select(MechanismLink).where(
        MechanismLink.source_id.in_(around), MechanismLink.target_id.in_(around))))
    return sorted(touching, key=lambda link: link.id) + sorted(among, key=lambda link: link.id)
