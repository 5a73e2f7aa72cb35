"""Write and read audit events; callers pass the session of their own unit of work."""

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


def list_events(db: Session, *, event: str | None = None, limit: int = 100,
                offset: int = 0) -> list[AuditEvent]:
    """Newest first, optionally only one kind of event."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit).offset(offset)
    if event:
        query = query.where(AuditEvent.event == event)
    return list(db.scalars(query))
