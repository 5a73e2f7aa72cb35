"""Technology needs: curated records with revision history. Flushes, never commits."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import Role, User
from app.errors import Forbidden, NotFound, ValidationFailed
from app.history import service as history
from app.history.models import Revision
from app.i18n.translate import N_, translatable
from app.inventory.models import Technology
from app.needs.coverage import GapFilters, check_filters, need_conditions
from app.needs.models import Need
from app.needs.schemas import NeedCreate, NeedUpdate
from app.reference.models import Country

ENTITY = "need"
DEMO_DATASET = "demo"
FIELDS = ("country_code", "sector", "stage", "technology_id", "technology_name",
          "mitigation_adaptation", "priority", "source_title", "source_url", "status", "notes")


def snapshot(need: Need) -> dict[str, Any]:
    """The record as JSON-ready values (enums as their codes), for revisions and comparisons."""
    out: dict[str, Any] = {}
    for name in (*FIELDS, "dataset"):
        value = getattr(need, name)
        out[name] = getattr(value, "value", value)
    return out


def check_curator(actor: User | None) -> None:
    """Needs are curated: only curators and admins change them (None is the system, e.g. seed)."""
    if actor is not None and not actor.has_role(Role.CURATOR, Role.ADMIN):
        raise Forbidden(N_("This needs the curator or admin role."), code="missing_role")


def get(db: Session, *, need_id: int, for_update: bool = False) -> Need:
    """`for_update` locks the row (PostgreSQL): concurrent changes to one need take turns."""
    need = db.get(Need, need_id, with_for_update=for_update, populate_existing=for_update)
    if need is None:
        raise NotFound(translatable("No need with id %(id)s.", id=need_id))
    return need


def list_needs(db: Session, *, filters: GapFilters, limit: int = 50,
               offset: int = 0) -> tuple[list[Need], int]:
    """Needs matching the filters, by country then id, with the total number of matches."""
    filters = check_filters(db, filters)
    conditions = need_conditions(filters)
    total = db.scalar(select(func.count()).select_from(Need).where(*conditions)) or 0
    rows = db.scalars(select(Need).where(*conditions).order_by(Need.country_code, Need.id)
                      .limit(limit).offset(offset))
    return list(rows), total


def technology_names(db: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db.execute(select(Technology.id, Technology.name)
                           .where(Technology.id.in_(sorted(ids)))).all())


def technology_id_for(db: Session, name: str) -> int | None:
    return db.scalar(select(Technology.id).where(Technology.name == name))


def clean(db: Session, values: dict[str, Any]) -> dict[str, Any]:
    """Rules beyond the schema: the country and technology exist, the source is a web address;
    empty optional text becomes null."""
    out = dict(values)
    fields: dict[str, str] = {}
    for name in ("technology_name", "source_title", "source_url", "notes"):
        if name in out and isinstance(out[name], str) and not out[name].strip():
            out[name] = None
    if "country_code" in out:
        code = str(out["country_code"]).strip().upper()
        if db.get(Country, code) is None:
            fields["country_code"] = translatable("unknown ISO 3166-1 alpha-3 code %(code)s",
                                                  code=repr(code))
        out["country_code"] = code
    if out.get("technology_id") is not None and db.get(Technology, out["technology_id"]) is None:
        fields["technology_id"] = translatable("no technology with id %(id)s",
                                               id=out["technology_id"])
    url = out.get("source_url")
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            fields["source_url"] = N_("must be an http:// or https:// address")
    if fields:
        raise ValidationFailed(fields=fields)
    return out


def create(db: Session, *, data: NeedCreate, actor: User | None, dataset: str | None = None,
           note: str | None = None) -> Need:
    """Record a need and its first revision."""
    check_curator(actor)
    values = clean(db, data.model_dump())
    need = Need(**values, dataset=dataset)
    db.add(need)
    db.flush()
    history.record(db, entity_type=ENTITY, entity_id=need.id, snapshot=snapshot(need),
                   action="create", actor_id=actor.id if actor else None, note=note)
    return need


def apply_changes(db: Session, *, need: Need, changes: dict[str, Any], actor: User | None,
                  note: str | None = None) -> bool:
    """Set the given fields; a revision is recorded only when something actually changed."""
    check_curator(actor)
    values = clean(db, changes)
    before = snapshot(need)
    for name, value in values.items():
        setattr(need, name, value)
    if snapshot(need) == before:
        return False
    db.flush()
    history.record(db, entity_type=ENTITY, entity_id=need.id, snapshot=snapshot(need),
                   action="update", actor_id=actor.id if actor else None, note=note)
    return True


def update(db: Session, *, need: Need, data: NeedUpdate, actor: User | None) -> Need:
    changes = data.model_dump(exclude_unset=True)
    required = {"country_code", "sector", "stage", "mitigation_adaptation", "priority", "status"}
    missing = {k: N_("may not be null") for k in required if k in changes and changes[k] is None}
    if missing:
        raise ValidationFailed(fields=missing)
    apply_changes(db, need=need, changes=changes, actor=actor)
    return need


def delete(db: Session, *, need: Need, actor: User | None) -> None:
    """Delete a need; its history stays, ending with a `delete` revision."""
    check_curator(actor)
    history.record(db, entity_type=ENTITY, entity_id=need.id, snapshot=snapshot(need),
                   action="delete", actor_id=actor.id if actor else None)
    db.delete(need)
    db.flush()


def revisions(db: Session, *, need_id: int) -> list[Revision]:
    """Newest first; kept after a need is deleted (404 only when there never was such a need)."""
    found = history.list_revisions(db, entity_type=ENTITY, entity_id=need_id)
    if not found and db.get(Need, need_id) is None:
        raise NotFound(translatable("No need with id %(id)s.", id=need_id))
    return found


def has_demo_data(db: Session) -> bool:
    return db.scalar(select(Need.id).where(Need.dataset == DEMO_DATASET).limit(1)) is not None
