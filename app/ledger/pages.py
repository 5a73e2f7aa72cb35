"""The public page of the award ledger: its entries, newest page last, and the chain's check."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from app.accounts.deps import OptionalUser, csrf_protect
from app.kit.routing import APIRouter
from app.kit.schemas import Offset, QueryId
from app.kit.templating import render
from app.kit.unit_of_work import SessionDep
from app.ledger import service, visibility

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)
PER_PAGE = 50


@router.get("/ledger", response_class=HTMLResponse)
def ledger_page(request: Request, db: SessionDep, user: OptionalUser,
                challenge: QueryId | None = None, offset: Offset = 0,
                head: Annotated[str | None, Query(pattern=r"^[0-9a-f]{64}$")] = None
                ) -> Response:
    rows, total = service.entries(db, challenge_id=challenge, limit=PER_PAGE, offset=offset)
    check = visibility.check_read(service.verify(db, head=head), head)
    return render(request, "ledger/ledger.html", {
        "entries": visibility.present(db, rows, user), "total": total, "offset": offset,
        "per_page": PER_PAGE, "challenge": challenge, "check": check})
