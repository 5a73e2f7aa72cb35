"""HTML pages for keeping the inventory current: history and restore, the moderation queue,
the stale queue, export and import."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from app.accounts.deps import CurrentUser, OptionalUser, csrf_protect
from app.accounts.models import User
from app.errors import AppError, NotFound, ValidationFailed
from app.history import service as history
from app.history.diff import FieldChange
from app.i18n.translate import N_, gettext
from app.inventory import mechanisms as mech_service
from app.inventory import record_service, transfer
from app.inventory import suggestions as service
from app.inventory.curation_routes import MAX_IMPORT_BYTES, parse_bundle
from app.inventory.deps import CuratorUser
from app.inventory.kinds import BY_PLURAL, RecordKind
from app.inventory.labels import LINK_LABELS
from app.inventory.models import Mechanism, SuggestionStatus, Technology
from app.inventory.records import MECHANISM, TECHNOLOGY, is_curator, revisions_or_404, stale_records
from app.kit.body_limit import MULTIPART_OVERHEAD_BYTES, larger_body
from app.kit.forms import FormData, redirect
from app.kit.routing import APIRouter
from app.kit.schemas import MAX_DB_INT, ObjectId, QueryId
from app.kit.templating import flash, render
from app.kit.unit_of_work import SessionDep

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)

def _kind(plural: str) -> RecordKind:
    """The kind whose pages are under `/inventory/{plural}`; another word is a 404."""
    if plural not in BY_PLURAL:
        raise NotFound()
    return BY_PLURAL[plural]


def readable(changes: list[FieldChange], names: dict[int, str]) -> list[FieldChange]:
    """Ids in a diff shown as names (links and related mechanisms)."""
    def show(field: str, value: Any) -> Any:
        if field == "links" and isinstance(value, list) and value and isinstance(value[0], dict):
            return [f"{gettext(LINK_LABELS.get(v['type'], v['type']))} "
                    f"{names.get(v['target_id'], '#' + str(v['target_id']))}"
                    + (f" ({v['note']})" if v.get("note") else "") for v in value]
        if field == "related_mechanism_ids" and isinstance(value, list):
            return [names.get(v, f"#{v}") for v in value]
        return value
    return [FieldChange(c.field, show(c.field, c.before), show(c.field, c.after))
            for c in changes]


@router.get("/inventory/{kind}/{entity_id:int}/history", response_class=HTMLResponse)
def history_page(kind: str, entity_id: ObjectId, request: Request, user: OptionalUser,
                 db: SessionDep, older: QueryId | None = None,
newer: QueryId | None = None) -> Response:
    """Every revision; the difference between any two; restore buttons for curators."""
    record_kind = _kind(kind)
    entity_type = record_kind.entity_type
    revisions = revisions_or_404(db, entity_type=entity_type, entity_id=entity_id)
    numbers = [r.number for r in revisions]
    newer = newer if newer in numbers else numbers[0]
    older = older if older in numbers else (numbers[1] if len(numbers) > 1 else newer)
    changes = history.compare(db, entity_type=entity_type, entity_id=entity_id, older=older,
                              newer=newer)
    current: Mechanism | Technology | None = db.get(record_kind.rules.model, entity_id)
    actors = {u.id: u.display_name for u in (db.get(User, r.actor_id) for r in revisions
                                            if r.actor_id) if u}
    return render(request, "inventory/history.html", {
        "kind": kind, "entity_type": entity_type, "entity_id": entity_id,
        "name": current.name if current else revisions[0].snapshot.get("name", "?"),
        "exists": current is not None, "revisions": revisions, "actors": actors,
        "older": older, "newer": newer,
        "changes": readable(changes, mech_service.mechanism_names(db)),
        "is_curator": is_curator(user)})


@router.post("/inventory/{kind}/{entity_id:int}/revisions/{number:int}/restore")
def restore(kind: str, entity_id: ObjectId, number: ObjectId, request: Request, user: CuratorUser,
            db: SessionDep) -> Response:
    record_service.restore(db, _kind(kind).rules, record_id=entity_id, number=number,
                           actor=user)
    flash(request, gettext("Revision %(number)s is current again (recorded as a new revision).")
          % {"number": number})
    return redirect(f"/inventory/{kind}/{entity_id}/history")


QUEUE_PAGE_SIZE = 25


def _queue(request: Request, db: Session, user: User, *, errors: dict[int, dict[str, str]]
           | None = None, status_code: int = 200, message: str | None = None,
           offset: int = 0) -> Response:
    curator = is_curator(user)
    offset = min(max(0, offset), MAX_DB_INT)
    items = service.list_suggestions(db, viewer=user, limit=QUEUE_PAGE_SIZE, offset=offset)
    total = service.count_suggestions(db, viewer=user)
    names = mech_service.mechanism_names(db)
    rows = [{"s": s, "name": service.entity_name(db, s),
             "outdated": service.is_outdated(db, s),
             "changes": readable(service.changes(db, s), names)
             if s.status == SuggestionStatus.PENDING else [],
             "author": db.get(User, s.author_id) if s.author_id else None}
            for s in items]
    return render(request, "inventory/suggestions.html", {
        "rows": rows, "is_curator": curator, "errors": errors or {},
        "error_message": message, "total": total, "offset": offset,
        "page_size": QUEUE_PAGE_SIZE}, status_code=status_code)


@router.get("/inventory/suggestions", response_class=HTMLResponse)
def suggestions_page(request: Request, user: CurrentUser, db: SessionDep,
                     offset: int = 0) -> Response:
    """Curators: the moderation queue. Everyone else: their own suggestions and decisions."""
    return _queue(request, db, user, offset=offset)


@router.post("/inventory/suggestions/{suggestion_id}/accept", response_class=HTMLResponse)
def accept(suggestion_id: ObjectId, request: Request, user: CuratorUser,
           db: SessionDep) -> Response:
    suggestion = service.get_suggestion(db, suggestion_id=suggestion_id, viewer=user,
                                        for_update=True)
    try:
        record = service.accept(db, suggestion=suggestion, curator=user)
    except AppError as exc:
        db.rollback()
        return _queue(request, db, user, errors={suggestion_id: exc.fields or {
            "accept": exc.message}}, status_code=exc.status_code,
            message=gettext("Suggestion #%(id)s cannot be applied: %(reason)s")
            % {"id": suggestion_id, "reason": gettext(exc.message)})
    flash(request, gettext("Suggestion #%(id)s was applied to %(name)s.")
          % {"id": suggestion_id, "name": record.name})
    return redirect("/inventory/suggestions")


@router.post("/inventory/suggestions/{suggestion_id}/reject", response_class=HTMLResponse)
def reject(suggestion_id: ObjectId, request: Request, user: CuratorUser, sent: FormData,
                 db: SessionDep) -> Response:
    suggestion = service.get_suggestion(db, suggestion_id=suggestion_id, viewer=user,
                                        for_update=True)
    try:
        service.reject(db, suggestion=suggestion, curator=user, reason=sent.get("reason", ""))
    except AppError as exc:
        return _queue(request, db, user, errors={suggestion_id: exc.fields},
                      status_code=exc.status_code, message=exc.message)
    flash(request, gettext("Suggestion #%(id)s was rejected; its author sees your reason.")
          % {"id": suggestion_id})
    return redirect("/inventory/suggestions")


@router.get("/inventory/stale", response_class=HTMLResponse)
def stale_page(request: Request, user: CuratorUser, db: SessionDep) -> Response:
    """Records never verified, or not since STALE_AFTER_DAYS, oldest first."""
    mechanisms, mechanism_total = stale_records(db, Mechanism)
    technologies, technology_total = stale_records(db, Technology)
    return render(request, "inventory/stale.html", {
        "mechanisms": mechanisms, "mechanism_total": mechanism_total,
        "technologies": technologies, "technology_total": technology_total})


@router.get("/inventory/transfer", response_class=HTMLResponse)
def transfer_page(request: Request, user: OptionalUser) -> Response:
    return render(request, "inventory/transfer.html", {"is_curator": is_curator(user),
                                                       "problems": [], "errors": {}})


async def uploaded_file(request: Request) -> tuple[str, bytes] | None:
    """The uploaded file's name and (at most 20 MB + 1 byte of) content, read off the loop."""
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    return upload.filename, await upload.read(MAX_IMPORT_BYTES + 1)


@router.post("/inventory/transfer/import", response_class=HTMLResponse)
@larger_body(MAX_IMPORT_BYTES + MULTIPART_OVERHEAD_BYTES)
def import_file(request: Request, user: CuratorUser,
                db: SessionDep,
                upload: tuple[str, bytes] | None = Depends(uploaded_file)) -> Response:
    """Import an export file (.json, or .zip of CSV files); all rows or none."""
    try:
        if upload is None:
            raise ValidationFailed(fields={"file": N_("choose a .json or .zip file")})
        name, content = upload
        if len(content) > MAX_IMPORT_BYTES:
            raise ValidationFailed(fields={"file": N_("the file is larger than 20 MB")})
        kind = "application/zip" if name.lower().endswith(".zip") else "application/json"
        report = transfer.import_bundle(db, parse_bundle(kind, content), actor=user)
    except transfer.ImportFailed as exc:
        return render(request, "inventory/transfer.html", {
            "is_curator": True, "problems": exc.problems, "errors": {},
            "error_message": exc.message}, status_code=422)
    except AppError as exc:
        return render(request, "inventory/transfer.html", {
            "is_curator": True, "problems": [], "errors": exc.fields,
            "error_message": exc.message}, status_code=exc.status_code)
    for line in imported_lines(report):
        flash(request, line)
    return redirect("/inventory/transfer")


IMPORTED = {  # transfer.Report.lines("Imported"), in the page's language
    MECHANISM: N_("Imported: mechanisms %(created)s created, %(updated)s updated, "
                  "%(unchanged)s unchanged, %(skipped)s kept (curated)"),
    TECHNOLOGY: N_("Imported: technologies %(created)s created, %(updated)s updated, "
                   "%(unchanged)s unchanged, %(skipped)s kept (curated)"),
}


def imported_lines(report: transfer.Report) -> list[str]:
    return [gettext(IMPORTED[kind]) % {
        "created": report.created[kind], "updated": report.updated[kind],
        "unchanged": report.unchanged[kind], "skipped": report.skipped[kind]}
        for kind in (MECHANISM, TECHNOLOGY)]
