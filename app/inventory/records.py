"""What every inventory record shares: snapshots for the history, staleness, checks, sync helpers.

A snapshot is the JSON-ready content of a record after a change (list fields sorted, so two
snapshots of the same content are equal), plus its id, verification time and, for a mechanism,
its outgoing links. Restoring a revision feeds the snapshot's content back through the same
validation as any edit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.accounts.models import Role, User
from app.config import get_settings
from app.db import utcnow
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed, validation_message
from app.history import service as history
from app.history.models import Revision
from app.i18n.translate import N_
from app.inventory.models import Mechanism, MechanismLink, Technology
from app.inventory.schemas import MechanismFields, TechnologyFields

MECHANISM = "mechanism"
TECHNOLOGY = "technology"
CURATOR_ROLES = (Role.CURATOR, Role.ADMIN)

MECHANISM_FIELDS = tuple(MechanismFields.model_fields)
TECHNOLOGY_FIELDS = tuple(TechnologyFields.model_fields)

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


def is_curator(user: User | None) -> bool:
    return user is not None and user.has_role(*CURATOR_ROLES)


def require_curator(actor: User | None) -> None:
    """Curators and admins change records directly; `None` is the system (seed, CLI import)."""
    if actor is not None and not is_curator(actor):
        raise Forbidden(N_("This needs the curator or admin role."), code="missing_role")


def actor_id(actor: User | None) -> int | None:
    return actor.id if actor is not None else None


def stale_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    """Records verified before this moment (or never) are stale."""
    return (now or utcnow()) - dt.timedelta(days=get_settings().stale_after_days)


def is_stale(last_verified_at: dt.datetime | None, cutoff: dt.datetime | None = None) -> bool:
    return last_verified_at is None or last_verified_at < (cutoff or stale_cutoff())


def validated(model: type[M], data: dict[str, Any]) -> M:
    """Validate a dict (form, suggestion, import row, old snapshot) into `model`, or a 422
    whose fields name each bad field (`budget.amount_minor`, not `budget.amount_minor.0`)."""
    try:
        return model.model_validate(data)
    except PydanticValidationError as exc:
        raise ValidationFailed(fields=fields_of(exc)) from exc


class Problems:
    """Collects every bad field of a record, so a form shows all its messages at once."""

    def __init__(self) -> None:
        self.fields: dict[str, str] = {}
        self.conflict: str | None = None

    @contextmanager
    def collect(self) -> Iterator[None]:
        try:
            yield
        except ValidationFailed as exc:
            for name, message in exc.fields.items():
                self.fields.setdefault(name, message)

    def strings(self, value: Any, field: str) -> list[str] | None:
        """`value` when it is a list of strings not already reported bad, else None."""
        if field in self.fields or not isinstance(value, list):
            return None
        return value if all(isinstance(v, str) for v in value) else None

    def taken(self, message: str, why: str) -> None:
        self.conflict = message
        self.fields.setdefault("name", why)

    def raise_any(self) -> None:
        if self.conflict and list(self.fields) == ["name"]:
            raise Conflict(self.conflict, code="duplicate_name", fields=self.fields)
        if self.fields:
            raise ValidationFailed(fields=dict(self.fields))


def fields_of(exc: PydanticValidationError) -> dict[str, str]:
    fields: dict[str, str] = {}
    for err in exc.errors():
        name = ".".join(str(p) for p in err["loc"] if not isinstance(p, int)) or "body"
        fields.setdefault(name, validation_message(err))
    return fields


def sync(collection: list[T], wanted: Iterable[Any], key: Callable[[T], Any],
         make: Callable[[Any], T]) -> None:
    """Make an association collection hold exactly `wanted` keys, keeping rows that stay."""
    wanted_list = list(dict.fromkeys(wanted))
    for row in [r for r in collection if key(r) not in wanted_list]:
        collection.remove(row)
    present = {key(r) for r in collection}
    for value in wanted_list:
        if value not in present:
            collection.append(make(value))


def _iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat() if value else None


def mechanism_content(m: Mechanism) -> dict[str, Any]:
    """The editable fields of a mechanism, shaped like `MechanismFields` (JSON-ready)."""
    budget = None
    if m.budget_amount_minor is not None and m.budget_currency and m.budget_year is not None:
        budget = {"amount_minor": m.budget_amount_minor, "currency": m.budget_currency,
                  "year": m.budget_year, "note": m.budget_note}
    return {
        "name": m.name, "acronym": m.acronym, "kind": m.kind.value, "hosts": sorted(m.hosts),
        "description": m.description, "functions": sorted(f.function.value for f in m.functions),
        "sectors": sorted(s.sector.value for s in m.sectors),
        "stages": sorted(s.stage.value for s in m.stages),
        "scope": sorted(s.code for s in m.scope), "website": m.website,
        "founded_year": m.founded_year, "status": m.status.value if m.status else None,
        "budget": budget,
        "sources": sorted(m.sources),
    }


def outgoing_links(db: Session, mechanism_id: int) -> list[dict[str, Any]]:
    links = db.scalars(select(MechanismLink).where(MechanismLink.source_id == mechanism_id))
    return sorted(({"type": link.link_type.value, "target_id": link.target_id, "note": link.note}
                   for link in links), key=lambda d: (d["type"], d["target_id"]))


def mechanism_snapshot(db: Session, m: Mechanism) -> dict[str, Any]:
    return {"id": m.id, **mechanism_content(m), "last_verified_at": _iso(m.last_verified_at),
            "links": outgoing_links(db, m.id)}


def technology_content(t: Technology) -> dict[str, Any]:
    """The editable fields of a technology, shaped like `TechnologyFields` (JSON-ready)."""
    return {
        "name": t.name, "summary": t.summary, "description": t.description,
        "sectors": sorted(s.sector.value for s in t.sectors), "stage": t.stage.value,
        "trl": t.trl,
        "mitigation_adaptation": t.mitigation_adaptation.value if t.mitigation_adaptation
        else None,
        "availability": t.availability.value, "licence_id": t.licence_id, "provider": t.provider,
        "countries_deployed": sorted(c.country_code for c in t.countries),
        "related_mechanism_ids": sorted(r.mechanism_id for r in t.mechanisms),
        "links": sorted(t.links),
    }


def technology_snapshot(t: Technology) -> dict[str, Any]:
    return {"id": t.id, **technology_content(t), "last_verified_at": _iso(t.last_verified_at)}


def record_mechanism(db: Session, m: Mechanism, *, action: str, actor: User | None,
                     note: str | None = None) -> Revision:
    db.flush()
    return history.record(db, entity_type=MECHANISM, entity_id=m.id,
                          snapshot=mechanism_snapshot(db, m), action=action,
                          actor_id=actor_id(actor), note=note)


def record_technology(db: Session, t: Technology, *, action: str, actor: User | None,
                      note: str | None = None) -> Revision:
    db.flush()
    return history.record(db, entity_type=TECHNOLOGY, entity_id=t.id,
                          snapshot=technology_snapshot(t), action=action,
                          actor_id=actor_id(actor), note=note)


def touch(record: Mechanism | Technology) -> None:
    """Association changes do not bump `updated_at` by themselves."""
    record.updated_at = utcnow()


def revisions_or_404(db: Session, *, entity_type: str, entity_id: int) -> list[Revision]:
    """A record's revisions, newest first; 404 when it never existed."""
    found = history.list_revisions(db, entity_type=entity_type, entity_id=entity_id)
    if not found:
        raise NotFound(N_("No such mechanism.") if entity_type == MECHANISM
                       else N_("No such technology."))
    return found


def stale_records(db: Session, model: type[Mechanism] | type[Technology], *,
                  limit: int = 100) -> tuple[list[Any], int]:
    """Stale records, never verified first, then the longest unverified; and how many."""
    cutoff = stale_cutoff()
    stale = or_(model.last_verified_at.is_(None), model.last_verified_at < cutoff)
    total = db.scalar(select(func.count()).select_from(model).where(stale)) or 0
    rows = list(db.scalars(select(model).where(stale).order_by(
        model.last_verified_at.asc().nulls_first(), func.lower(model.name)).limit(limit)))
    return rows, total
