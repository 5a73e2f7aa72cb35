"""Reading entries: one entry, its files and receipts (entrants; owner and admins once
submitted), and the list of a challenge's submitted entries for its owner and admins."""

from __future__ import annotations

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response

from app.accounts.deps import CurrentUser, csrf_protect
from app.challenges import service as challenges
from app.kit.routing import APIRouter
from app.kit.schemas import ObjectId, Offset
from app.kit.templating import render
from app.kit.unit_of_work import SessionDep
from app.submissions import access, downloads, service, uploads
from app.submissions.present import receipt_view

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)
PAGE_SIZE = 50
# Each page loads the entry or challenge of its path itself (app/submissions/deps.py says why).


@router.get("/submissions/{submission_id:int}", response_class=HTMLResponse)
def view(submission_id: ObjectId, request: Request, user: CurrentUser,
         db: SessionDep) -> Response:
    entry = access.load(db, submission_id=submission_id, user=user)
    receipts = entry.submission.receipts
    return render(request, "submissions/view.html", {
        "c": entry.challenge, "s": entry.submission, "as_entrant": entry.as_entrant,
        "entrant": service.entrant_name(db, entry),
        "latest_receipt": receipt_view(receipts[-1]) if receipts else None,
        "earlier_receipts": list(reversed(receipts[:-1]))})


@router.get("/submissions/{submission_id:int}/files/{file_id:int}")
def download(submission_id: ObjectId, file_id: ObjectId, user: CurrentUser,
             db: SessionDep) -> Response:
    entry = access.load(db, submission_id=submission_id, user=user)
    path, record = uploads.stored_path(entry, file_id)
    return downloads.file_response(path, record)


@router.get("/submissions/{submission_id:int}/receipts/{number:int}",
            response_class=HTMLResponse)
def receipt_page(submission_id: ObjectId, number: ObjectId, request: Request,
                 user: CurrentUser, db: SessionDep) -> Response:
    entry = access.load(db, submission_id=submission_id, user=user)
    receipt = service.receipt(entry, number)
    return render(request, "submissions/receipt.html", {
        "c": entry.challenge, "s": entry.submission, "as_entrant": entry.as_entrant,
        "r": receipt_view(receipt)})


@router.get("/submissions/{submission_id:int}/receipts/{number:int}.json")
def receipt_json(submission_id: ObjectId, number: ObjectId, user: CurrentUser,
                 db: SessionDep) -> Response:
    """The canonical JSON as a download, byte for byte as hashed."""
    entry = access.load(db, submission_id=submission_id, user=user)
    receipt = service.receipt(entry, number)
    return downloads.receipt_response(receipt, submission_id=entry.submission.id,
                                      attachment=True)


@router.get("/challenges/{challenge_id:int}/submissions", response_class=HTMLResponse)
def submitted_list(challenge_id: ObjectId, request: Request, user: CurrentUser,
                   db: SessionDep, offset: Offset = 0) -> Response:
    challenge = challenges.get_managed(db, challenge_id=challenge_id, user=user)
    offset = max(0, offset)
    rows, total = service.list_submitted(db, challenge=challenge, user=user, limit=PAGE_SIZE,
                                         offset=offset)
    return render(request, "submissions/list.html", {
        "c": challenge, "rows": rows, "total": total, "limit": PAGE_SIZE, "offset": offset})
