"""JSON API for entries: start, read, edit, upload and delete files, submit, reopen, receipts;
and the sponsor's list of submitted entries."""

from __future__ import annotations

from typing import Any

from fastapi.responses import Response
from sqlalchemy.orm import Session

from app.accounts.deps import CurrentUser
from app.challenges import service as challenges
from app.errors import ValidationFailed
from app.kit.body_limit import larger_body
from app.kit.openapi import error_responses
from app.kit.routing import APIRouter
from app.kit.schemas import Limit, ObjectId, Offset, Page
from app.kit.unit_of_work import SessionDep
from app.submissions import access, downloads, present, service, uploads
from app.submissions.deps import UPLOAD_FIELD, UploadForm, upload_ceiling
from app.submissions.schemas import (
    SubmissionCreate,
    SubmissionFileRead,
    SubmissionRead,
    SubmissionSummary,
    SubmissionUpdate,
)

router = APIRouter(prefix="/api/v1", tags=["submissions"])

UPLOAD_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "multipart/form-data": {"schema": {
        "type": "object", "required": [UPLOAD_FIELD],
        "properties": {UPLOAD_FIELD: {"type": "string", "format": "binary",
                                      "description": "a PDF file"}}}}}}}
Responses = dict[int | str, dict[str, Any]]
PDF_FILE: Responses = {200: {"description": "The PDF file, as an attachment",
                             "content": {"application/pdf": {}}}}
RECEIPT_JSON: Responses = {200: {
    "description": "The receipt's canonical JSON; its SHA-256 in the X-Receipt-SHA256 header",
    "content": {"application/json": {}}}}


def _read(db: Session, entry: access.Entry) -> SubmissionRead:
    return present.submission_read(entry, service.entrant_name(db, entry))


# Each endpoint loads the challenge or entry of its path itself, in its own thread, so that no
# pooled connection is held between threads (app/submissions/deps.py says why).


@router.post("/challenges/{challenge_id}/submission", response_model=SubmissionRead,
             status_code=201, responses=error_responses(409))
def create_submission(challenge_id: ObjectId, body: SubmissionCreate, user: CurrentUser,
                      db: SessionDep) -> object:
    """Start your registration's entry (one per registration; a team's members share it)."""
    challenge = challenges.get(db, challenge_id=challenge_id, viewer=user)
    return _read(db, service.create(db, challenge=challenge, user=user, body=body))


@router.get("/challenges/{challenge_id}/submission", response_model=SubmissionRead)
def my_submission(challenge_id: ObjectId, user: CurrentUser, db: SessionDep) -> object:
    """Your entry for the challenge (draft or submitted)."""
    challenge = challenges.get(db, challenge_id=challenge_id, viewer=user)
    return _read(db, service.get_mine(db, challenge=challenge, user=user))


@router.get("/challenges/{challenge_id}/submissions", response_model=Page[SubmissionSummary],
            responses=error_responses(403))
def list_submissions(challenge_id: ObjectId, user: CurrentUser, db: SessionDep,
                     limit: Limit = 50, offset: Offset = 0) -> object:
    """The submitted entries (never drafts), for the challenge's owner and admins."""
    challenge = challenges.get_managed(db, challenge_id=challenge_id, user=user)
    rows, total = service.list_submitted(db, challenge=challenge, user=user, limit=limit,
                                         offset=offset)
    return {"items": [present.summary(s, name) for s, name in rows], "total": total,
            "limit": limit, "offset": offset}


@router.get("/submissions/{submission_id}", response_model=SubmissionRead)
def get_submission(submission_id: ObjectId, user: CurrentUser,
                   db: SessionDep) -> object:
    return _read(db, access.load(db, submission_id=submission_id, user=user))


@router.patch("/submissions/{submission_id}", response_model=SubmissionRead,
              responses=error_responses(403, 409))
def update_submission(submission_id: ObjectId, body: SubmissionUpdate, user: CurrentUser,
                      db: SessionDep) -> object:
    """Edit a draft's title and summary while the challenge is open."""
    entry = access.load_for_entrant(db, submission_id=submission_id, user=user)
    service.update(db, entry=entry, body=body)
    return _read(db, entry)


@router.post("/submissions/{submission_id}/files", response_model=SubmissionFileRead,
             status_code=201, responses=error_responses(400, 403, 409, 411, 413, 422, 429),
             openapi_extra=UPLOAD_BODY)
@larger_body(upload_ceiling)
def upload_file(submission_id: ObjectId, user: CurrentUser, upload: UploadForm,
                db: SessionDep) -> object:
    """Add a PDF (multipart field `file`) to a draft; size and count limits in the settings.

    Who asks is known before the upload is read (parameters are resolved in order)."""
    entry = access.load_for_entrant(db, submission_id=submission_id, user=user)
    if upload is None:
        raise ValidationFailed("Choose a PDF file to upload.",
                               fields={UPLOAD_FIELD: "choose a PDF file"})
    record = uploads.add_file(db, entry=entry, user=user, filename=upload.filename,
                              stream=upload.file)
    return present.file_read(entry.submission.id, record)


@router.get("/submissions/{submission_id}/files/{file_id}", response_class=Response,
            responses=PDF_FILE)
def download_file(submission_id: ObjectId, file_id: ObjectId, user: CurrentUser,
                  db: SessionDep) -> Response:
    entry = access.load(db, submission_id=submission_id, user=user)
    path, record = uploads.stored_path(entry, file_id)
    return downloads.file_response(path, record)


@router.delete("/submissions/{submission_id}/files/{file_id}", status_code=204,
               responses=error_responses(403, 409))
def delete_file(submission_id: ObjectId, file_id: ObjectId, user: CurrentUser,
                db: SessionDep) -> None:
    entry = access.load_for_entrant(db, submission_id=submission_id, user=user)
    uploads.delete_file(db, entry=entry, file_id=file_id)


@router.post("/submissions/{submission_id}/submit", response_model=SubmissionRead,
             responses=error_responses(403, 409, 422))
def submit(submission_id: ObjectId, user: CurrentUser, db: SessionDep) -> object:
    """Freeze the entry and issue its receipt (needs a title and at least one file)."""
    entry = access.load_for_entrant(db, submission_id=submission_id, user=user)
    service.submit(db, entry=entry, user=user)
    return _read(db, entry)


@router.post("/submissions/{submission_id}/reopen", response_model=SubmissionRead,
             responses=error_responses(403, 409))
def reopen(submission_id: ObjectId, user: CurrentUser, db: SessionDep) -> object:
    """Make a submitted entry a draft again while the challenge is open (receipts stay)."""
    entry = access.load_for_entrant(db, submission_id=submission_id, user=user)
    service.reopen(db, entry=entry, user=user)
    return _read(db, entry)


@router.get("/submissions/{submission_id}/receipts/{number}", response_class=Response,
            responses=RECEIPT_JSON)
def get_receipt(submission_id: ObjectId, number: ObjectId, user: CurrentUser,
                db: SessionDep) -> Response:
    """A receipt's canonical JSON, byte for byte as hashed."""
    entry = access.load(db, submission_id=submission_id, user=user)
    receipt = service.receipt(entry, number)
    return downloads.receipt_response(receipt, submission_id=entry.submission.id,
                                      attachment=False)
