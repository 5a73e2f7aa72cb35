"""JSON API of the award ledger: its entries and the check of its chain. Public."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from app.accounts.deps import OptionalUser
from app.kit.openapi import error_responses
from app.kit.routing import APIRouter
from app.kit.schemas import Limit, Offset, Page, QueryId
from app.kit.unit_of_work import SessionDep
from app.ledger import service, visibility
from app.ledger.schemas import LedgerCheckRead, LedgerEntryRead

router = APIRouter(prefix="/api/v1", tags=["ledger"])
HeadHash = Annotated[str | None, Query(pattern=r"^[0-9a-f]{64}$",
                                       description="a head published earlier (64 hex digits)")]


@router.get("/ledger", response_model=Page[LedgerEntryRead], responses=error_responses(422))
def list_entries(db: SessionDep, user: OptionalUser, challenge: QueryId | None = None,
                 limit: Limit = 50, offset: Offset = 0) -> object:
    """Every money event, oldest first (optionally of one challenge)."""
    rows, total = service.entries(db, challenge_id=challenge, limit=limit, offset=offset)
    return Page(items=visibility.present(db, rows, user), total=total, limit=limit,
                offset=offset)


@router.get("/ledger/verify", response_model=LedgerCheckRead, responses=error_responses(422))
def verify(db: SessionDep, head: HeadHash = None) -> object:
    """Walk the whole chain: `ok` with the number of entries and the head hash, or the first
    entry that breaks it and why; with `?head=`, whether that earlier head is still in it."""
    return visibility.check_read(service.verify(db, head=head), head)
