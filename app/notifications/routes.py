"""JSON API for the signed-in user's inbox."""

from __future__ import annotations

from app.accounts.deps import CurrentUser
from app.kit.routing import APIRouter
from app.kit.schemas import Limit, Offset, Page
from app.kit.unit_of_work import SessionDep
from app.notifications import service
from app.notifications.schemas import MarkedRead, MarkRead, MessageRead

router = APIRouter(prefix="/api/v1", tags=["notifications"])


@router.get("/me/messages", response_model=Page[MessageRead])
def my_messages(user: CurrentUser, db: SessionDep, limit: Limit = 50, offset: Offset = 0) -> object:
    """Your messages, newest first: lifecycle news, answers, announcements."""
    items, total = service.inbox(db, recipient_id=user.id, limit=limit, offset=offset)
    return {"items": items, "total": total, "limit": limit, "offset": offset}


@router.post("/me/messages/read", response_model=MarkedRead)
def mark_read(body: MarkRead, user: CurrentUser, db: SessionDep) -> object:
    marked = service.mark_read(db, recipient_id=user.id, up_to_id=body.up_to_id)
    return {"marked": marked, "unread": service.unread_count(db, recipient_id=user.id)}
