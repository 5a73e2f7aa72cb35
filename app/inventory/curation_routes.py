"""JSON API for suggested edits and for exporting and importing the whole inventory."""

from __future__ import annotations

import json
from typing import Any

from fastapi import Depends, Request
from fastapi.responses import JSONResponse, Response

from app.accounts.deps import CurrentUser
from app.errors import ValidationFailed, error_body
from app.i18n.translate import N_
from app.inventory import suggestions as service
from app.inventory import transfer, transfer_csv
from app.inventory.deps import CuratorUser
from app.inventory.models import SuggestionStatus
from app.inventory.schemas import RejectBody, SuggestionCreate, SuggestionRead
from app.kit import body_limit
from app.kit.openapi import error_responses
from app.kit.routing import APIRouter
from app.kit.schemas import Limit, ObjectId, Offset, Page
from app.kit.unit_of_work import SessionDep

router = APIRouter(prefix="/api/v1", tags=["inventory"])

MAX_IMPORT_BYTES = 20 * 1024 * 1024


@router.post("/suggestions", response_model=SuggestionRead, status_code=201,
             responses=error_responses(404, 429))
def create_suggestion(body: SuggestionCreate, user: CurrentUser,
                      db: SessionDep) -> Any:
    """Propose a change to a record (or a new one, without `entity_id`); nothing changes until a
    curator accepts it."""
    suggestion = service.create_suggestion(db, author=user, entity_type=body.entity_type,
                                           entity_id=body.entity_id, payload=body.payload,
                                           comment=body.comment)
    return service.suggestion_read(db, suggestion)


@router.get("/suggestions", response_model=Page[SuggestionRead])
def list_suggestions(user: CurrentUser, db: SessionDep, status: SuggestionStatus | None = None,
                     limit: Limit = 50, offset: Offset = 0) -> Any:
    """Curators: everyone's suggestions (pending unless `status` says otherwise); others: their
    own. Oldest first, one page at a time."""
    items = service.list_suggestions(db, viewer=user, status=status, limit=limit, offset=offset)
    return {"items": [service.suggestion_read(db, s) for s in items],
            "total": service.count_suggestions(db, viewer=user, status=status),
            "limit": limit, "offset": offset}


@router.get("/suggestions/{suggestion_id}", response_model=SuggestionRead)
def get_suggestion(suggestion_id: ObjectId, user: CurrentUser,
                   db: SessionDep) -> Any:
    return service.suggestion_read(
        db, service.get_suggestion(db, suggestion_id=suggestion_id, viewer=user))


@router.post("/suggestions/{suggestion_id}/accept", response_model=SuggestionRead,
             responses=error_responses(409))
def accept_suggestion(suggestion_id: ObjectId, user: CuratorUser,
                      db: SessionDep) -> Any:
    suggestion = service.get_suggestion(db, suggestion_id=suggestion_id, viewer=user,
                                        for_update=True)
    service.accept(db, suggestion=suggestion, curator=user)
    return service.suggestion_read(db, suggestion)


@router.post("/suggestions/{suggestion_id}/reject", response_model=SuggestionRead,
             responses=error_responses(409))
def reject_suggestion(suggestion_id: ObjectId, body: RejectBody, user: CuratorUser,
                      db: SessionDep) -> Any:
    suggestion = service.get_suggestion(db, suggestion_id=suggestion_id, viewer=user,
                                        for_update=True)
    service.reject(db, suggestion=suggestion, curator=user, reason=body.reason)
    return service.suggestion_read(db, suggestion)


@router.get("/inventory/export")
def export_json(db: SessionDep) -> JSONResponse:
    """Every mechanism (with its links) and technology, as JSON."""
    return JSONResponse(transfer.export_data(db), headers={
        "content-disposition": 'attachment; filename="inventory.json"'})


@router.get("/inventory/export.zip", response_class=Response, responses={
    200: {"description": "mechanisms.csv, links.csv, technologies.csv",
          "content": {"application/zip": {}}}})
def export_zip(db: SessionDep) -> Response:
    """mechanisms.csv, links.csv and technologies.csv in one zip (lists joined with `|`)."""
    return Response(transfer_csv.export_zip(transfer.export_data(db)),
                    media_type="application/zip",
                    headers={"content-disposition": 'attachment; filename="inventory.zip"'})


async def raw_body(request: Request) -> tuple[str, bytes]:
    length = int(request.headers.get("content-length") or 0)
    if length > MAX_IMPORT_BYTES:
        raise ValidationFailed(N_("The file is too large."), fields={"body": N_("at most 20 MB")})
    content = await request.body()
    if len(content) > MAX_IMPORT_BYTES:
        raise ValidationFailed(N_("The file is too large."), fields={"body": N_("at most 20 MB")})
    return request.headers.get("content-type", "").split(";")[0].strip().lower(), content


def parse_bundle(content_type: str, content: bytes) -> transfer.Bundle:
    """A JSON export (`application/json`) or a zip of CSV files (`application/zip`)."""
    if content_type == "application/json":
        try:
            document = json.loads(content.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValidationFailed(N_("The body is not JSON."), fields={"body": str(exc)}) from exc
        return transfer.bundle_from_json(document)
    if content_type in ("application/zip", "application/x-zip-compressed"):
        return transfer_csv.bundle_from_zip(content)
    raise ValidationFailed(N_("Send application/json or application/zip."),
                           fields={"content-type": N_("application/json or application/zip")})


def import_failed_response(exc: transfer.ImportFailed) -> JSONResponse:
    """422 naming every bad row; the request's transaction is rolled back."""
    body = error_body(exc.code, exc.message, exc.fields)
    body["error"]["problems"] = exc.problems
    return JSONResponse(body, status_code=422)


@router.post("/inventory/import", responses=error_responses(422),
             openapi_extra={"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"type": "object",
                                    "description": "the document GET /inventory/export gives"}},
    "application/zip": {"schema": {"type": "string", "format": "binary",
                                   "description": "the zip GET /inventory/export.zip gives"}},
}}})
@body_limit.larger_body(MAX_IMPORT_BYTES)
def import_inventory(user: CuratorUser, db: SessionDep, body: tuple[str,
                     bytes] = Depends(raw_body)) -> Any:
    """Import an export (JSON or CSV zip): every row is checked first, and one bad row means
    nothing is written (422 with `problems`: where, field, message). Records are matched by
    name; importing an unchanged export changes nothing."""
    try:
        report = transfer.import_bundle(db, parse_bundle(*body), actor=user)
    except transfer.ImportFailed as exc:
        return import_failed_response(exc)
    return {"created": report.created, "updated": report.updated,
            "unchanged": report.unchanged}
