"""Write and read audit events; callers pass the session of their own unit of work.

Account events (sign-ins, roles, tokens) name the people involved; the events of a challenge's
life (its transitions, panel changes, appeals and award computations) carry its id as
`details["challenge_id"]`, by which the admins' audit API filters them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent


def record(db: Session, *, event: str, actor_id: int | None = None,
           subject_user_id: int | None = None, ip: str | None = None,
           **details: Any) -> AuditEvent:
    """Append one security event to the audit table."""
    entry = AuditEvent(event=event, actor_id=actor_id, subject_user_id=subject_user_id, ip=ip,
                       details=details)
    db.add(entry)
    db.flush()
    return entry


def list_events(db: Session, *, event: str | None = None, challenge_id: int | None = None,
                limit: int = 100, offset: int = 0) -> list[AuditEvent]:
    """Newest first, optionally only one kind of event, or only those about one challenge (its
    lifecycle, panel, appeals and awards name it in their details)."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit).offset(offset)
    if event:
        query = query.where(AuditEvent.event == event)
    if challenge_id is not None:
        query = query.where(AuditEvent.details["challenge_id"].as_integer() == challenge_id)
    return list(db.scalars(query))
