"""Suggested edits: anyone signed in proposes, a curator accepts (applying it) or rejects."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.config import get_settings
from app.db import utcnow
from app.errors import Conflict, NotFound, ValidationFailed
from app.history import service as history
from app.history.diff import FieldChange, diff
from app.i18n.translate import N_, translatable
from app.inventory import mechanisms as mech_service
from app.inventory import record_service, records
from app.inventory import technologies as tech_service
from app.inventory.models import Mechanism, Suggestion, SuggestionStatus, Technology
from app.inventory.record_service import RecordRules
from app.inventory.records import MECHANISM, TECHNOLOGY, is_curator, require_curator
from app.inventory.schemas import MechanismUpdate, TechnologyUpdate
from app.kit import rate_limit
from app.kit.links import site_link
from app.notifications import service as notifications

RULES: dict[str, RecordRules[Any, Any]] = {
    rules.entity_type: rules for rules in (mech_service.RULES, tech_service.RULES)}
# What a suggested change may hold, by kind.
CHANGES: dict[str, type[BaseModel]] = {MECHANISM: MechanismUpdate, TECHNOLOGY: TechnologyUpdate}


def _current(db: Session, entity_type: str, entity_id: int,
             for_update: bool = False) -> Mechanism | Technology | None:
    return db.get(RULES[entity_type].model, entity_id, with_for_update=for_update,
                  populate_existing=for_update)


def _check_full(db: Session, entity_type: str, data: dict[str, Any],
                existing_id: int | None) -> dict[str, Any]:
    """The whole record as it would be, checked by the same rules as a curator's edit."""
    checked = RULES[entity_type].check(db, data=data, existing_id=existing_id)
    result: dict[str, Any] = checked.model_dump(mode="json")
    return result


def create_suggestion(db: Session, *, author: User, entity_type: str, entity_id: int | None,
                      payload: dict[str, Any], comment: str | None = None) -> Suggestion:
    """Queue a proposed change (or new record). It is checked now, so the author hears about
    mistakes at once, and checked again when a curator accepts it."""
    if entity_type not in RULES:
        raise ValidationFailed(fields={"entity_type": N_("mechanism or technology")})
    base_revision: int | None = None
    if entity_id is None:
        stored = _check_full(db, entity_type, payload, None)
    else:
        record = _current(db, entity_type, entity_id)
        if record is None:
            raise NotFound(RULES[entity_type].missing)
        records.validated(CHANGES[entity_type], payload)
        before = RULES[entity_type].content(record)
        after = _check_full(db, entity_type, {**before, **payload}, entity_id)
        stored = {k: v for k, v in after.items() if before.get(k) != v}
        if not stored:
            raise ValidationFailed(N_("This suggests no change to the record."),
                                   fields={"payload": N_("no field differs from the record")})
        latest = history.latest(db, entity_type=entity_type, entity_id=entity_id)
        base_revision = latest.number if latest else None
    rate_limit.check_and_record(
        db, action="inventory.suggestion", key=f"user:{author.id}",
        limit=get_settings().rate_limits.suggestions_per_user_per_day, window=rate_limit.DAY,
        what=N_("suggestions"))
    suggestion = Suggestion(entity_type=entity_type, entity_id=entity_id, payload=stored,
                            comment=(comment or "").strip() or None,
                            base_revision=base_revision, author_id=author.id,
                            status=SuggestionStatus.PENDING)
    db.add(suggestion)
    db.flush()
    return suggestion


def _visible(viewer: User, status: SuggestionStatus | None, entity_type: str | None,
             entity_id: int | None) -> list[ColumnElement[bool]]:
    """Curators see everyone's (pending by default); others see only their own."""
    where: list[ColumnElement[bool]] = []
    if is_curator(viewer):
        where.append(Suggestion.status == (status or SuggestionStatus.PENDING))
    else:
        where.append(Suggestion.author_id == viewer.id)
        if status is not None:
            where.append(Suggestion.status == status)
    if entity_type is not None:
        where.append(Suggestion.entity_type == entity_type)
    if entity_id is not None:
        where.append(Suggestion.entity_id == entity_id)
    return where


def list_suggestions(db: Session, *, viewer: User, status: SuggestionStatus | None = None,
                     entity_type: str | None = None, entity_id: int | None = None,
                     limit: int | None = None, offset: int = 0) -> list[Suggestion]:
    """The suggestions the viewer may see, oldest first (one page of them with `limit`)."""
    stmt = (select(Suggestion).where(*_visible(viewer, status, entity_type, entity_id))
            .order_by(Suggestion.created_at, Suggestion.id).offset(offset))
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(db.scalars(stmt))


def count_suggestions(db: Session, *, viewer: User, status: SuggestionStatus | None = None,
                      entity_type: str | None = None, entity_id: int | None = None) -> int:
    return db.scalar(select(func.count()).select_from(Suggestion).where(
        *_visible(viewer, status, entity_type, entity_id))) or 0


def get_suggestion(db: Session, *, suggestion_id: int, viewer: User,
                   for_update: bool = False) -> Suggestion:
    """`for_update` locks the row (PostgreSQL): two curators deciding at once take turns, and the
    second finds it already decided."""
    suggestion = db.get(Suggestion, suggestion_id, with_for_update=for_update,
                        populate_existing=for_update)
    if suggestion is None or not (is_curator(viewer) or suggestion.author_id == viewer.id):
        raise NotFound(N_("No such suggestion."))
    return suggestion


def changes(db: Session, suggestion: Suggestion) -> list[FieldChange]:
    """What accepting would change, against the record as it is now."""
    if suggestion.entity_id is None:
        return diff(None, suggestion.payload)
    record = _current(db, suggestion.entity_type, suggestion.entity_id)
    if record is None:
        return diff(None, suggestion.payload)
    before = RULES[suggestion.entity_type].content(record)
    return diff(before, {**before, **suggestion.payload})


def entity_name(db: Session, suggestion: Suggestion) -> str | None:
    if suggestion.entity_id is None:
        return str(suggestion.payload.get("name") or "") or None
    record = _current(db, suggestion.entity_type, suggestion.entity_id)
    return record.name if record else None


def is_outdated(db: Session, suggestion: Suggestion) -> bool:
    """The record has changed since the suggestion was made."""
    if suggestion.entity_id is None or suggestion.base_revision is None:
        return False
    latest = history.latest(db, entity_type=suggestion.entity_type,
                            entity_id=suggestion.entity_id)
    return latest is not None and latest.number != suggestion.base_revision


def _pending(suggestion: Suggestion) -> None:
    if suggestion.status != SuggestionStatus.PENDING:
        raise Conflict(N_("This suggestion was already accepted.")
                       if suggestion.status == SuggestionStatus.ACCEPTED
                       else N_("This suggestion was already rejected."),
                       code="already_decided")


def accept(db: Session, *, suggestion: Suggestion, curator: User) -> Mechanism | Technology:
    """Apply the suggestion (a new revision noting whose it was) and close it."""
    require_curator(curator)
    _pending(suggestion)
    # Still rejectable: only applying words nobody may see is refused.
    if suggestion.hidden_at is not None:
        raise Conflict(N_("Moderators hid this suggestion; it cannot be applied."),
                       code="hidden_by_moderators")
    author = db.get(User, suggestion.author_id) if suggestion.author_id else None
    note = f"suggestion #{suggestion.id}" + (f" by {author.display_name}" if author else "")
    rules = RULES[suggestion.entity_type]
    record: Mechanism | Technology
    if suggestion.entity_id is None:
        record = record_service.create(db, rules, data=suggestion.payload, actor=curator,
                                       note=note, action="suggestion")
    else:
        current = _current(db, suggestion.entity_type, suggestion.entity_id, for_update=True)
        if current is None:
            raise Conflict(N_("The record was deleted after this suggestion was made."),
                           code="record_gone")
        record = record_service.update(db, rules, record=current, changes=suggestion.payload,
                                       actor=curator, action="suggestion", note=note)
    suggestion.status = SuggestionStatus.ACCEPTED
    suggestion.entity_id = record.id
    suggestion.decided_by_id = curator.id
    suggestion.decided_at = utcnow()
    db.flush()
    _tell_author(db, suggestion, curator,
                 subject=translatable("Your suggestion was applied: %(name)s", name=record.name),
                 body=translatable("A curator applied your suggestion; the record's history "
                                   "names you.\n\n%(link)s", link=_link(suggestion)))
    return record


def reject(db: Session, *, suggestion: Suggestion, curator: User, reason: str) -> Suggestion:
    """Close the suggestion without applying it; the author sees the reason."""
    require_curator(curator)
    _pending(suggestion)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(N_("Say why the suggestion is rejected."),
                               fields={"reason": N_("give a reason the author can read")})
    suggestion.status = SuggestionStatus.REJECTED
    suggestion.decision_reason = reason
    suggestion.decided_by_id = curator.id
    suggestion.decided_at = utcnow()
    db.flush()
    _tell_author(db, suggestion, curator,
                 subject=translatable("Your suggestion was not applied: %(name)s",
                                      name=entity_name(db, suggestion) or ""),
                 body=translatable("A curator did not apply your suggestion, saying:\n\n"
                                   "%(reason)s\n\n%(link)s", reason=reason,
                                   link=_link(suggestion)))
    return suggestion


def _link(suggestion: Suggestion) -> str:
    """The record the suggestion is about or, when it made none, the author's suggestions."""
    folder = "mechanisms" if suggestion.entity_type == MECHANISM else "technologies"
    return site_link(f"/inventory/{folder}/{suggestion.entity_id}" if suggestion.entity_id
                     else "/inventory/suggestions")


def _tell_author(db: Session, suggestion: Suggestion, curator: User, *, subject: str,
                 body: str) -> None:
    """Subject and body are `translatable`: the author reads them in their own language."""
    if suggestion.author_id is None or suggestion.author_id == curator.id:
        return
    notifications.queue(db, recipient_id=suggestion.author_id, subject=subject, body=body,
                        kind="inventory.suggestion_decided")


def suggestion_read(db: Session, suggestion: Suggestion) -> dict[str, Any]:
    """The fields of `SuggestionRead`."""
    pending = suggestion.status == SuggestionStatus.PENDING
    hidden = suggestion.hidden_at is not None  # its words are gone until moderators restore it
    return {
        "id": suggestion.id, "entity_type": suggestion.entity_type,
        "entity_id": suggestion.entity_id, "entity_name": entity_name(db, suggestion),
        "payload": {} if hidden else suggestion.payload,
        "comment": None if hidden else suggestion.comment, "hidden": hidden,
        "status": suggestion.status, "base_revision": suggestion.base_revision,
        "author_id": suggestion.author_id, "decided_by_id": suggestion.decided_by_id,
        "decision_reason": suggestion.decision_reason, "decided_at": suggestion.decided_at,
        "created_at": suggestion.created_at,
        "changes": [{"field": c.field, "before": c.before, "after": c.after}
                    for c in changes(db, suggestion)] if pending and not hidden else [],
    }
