"""Needs pages: list and detail for everyone; create, edit, delete, import for curators; history."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.accounts import service as accounts_service
from app.accounts.deps import OptionalUser, csrf_protect, require_role
from app.accounts.models import Role, User
from app.errors import AppError, ValidationFailed, validation_message
from app.history.diff import diff
from app.i18n.translate import gettext
from app.kit.body_limit import MULTIPART_OVERHEAD_BYTES, larger_body
from app.kit.forms import FormData, form_with_errors, redirect
from app.kit.routing import APIRouter
from app.kit.schemas import ObjectId, Offset
from app.kit.templating import flash, render
from app.kit.unit_of_work import SessionDep
from app.needs import coverage, display, heatmap, service, transfer
from app.needs.coverage import GapFilters
from app.needs.models import Need, NeedStatus, Priority
from app.needs.schemas import NeedCreate
from app.reference.vocab import MitigationAdaptation

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)
CuratorPage = Annotated[User, Depends(require_role(Role.CURATOR, Role.ADMIN))]
PAGE_SIZE = 50
FORM_FIELDS = ("country_code", "sector", "stage", "technology_name", "technology_ref",
               "mitigation_adaptation", "priority", "source_title", "source_url", "status",
               "notes")


def _choices() -> dict[str, Any]:
    return {**display.vocab(),
            "ma_choices": display.code_choices(m.value for m in MitigationAdaptation),
            "priority_choices": display.code_choices(p.value for p in Priority),
            "need_status_choices": display.code_choices(s.value for s in NeedStatus)}


def _is_curator(user: User | None) -> bool:
    return bool(user and user.has_role(Role.CURATOR, Role.ADMIN))


@router.get("/needs", response_class=HTMLResponse)
def needs_list(request: Request, user: OptionalUser, db: SessionDep, country: str | None = None,
               status: str | None = None, offset: Offset = 0) -> Response:
    form = {"country": (country or "").strip().upper(),
            "status": status if status in ("open", "addressed") else "all"}
    filters = GapFilters(country=form["country"] or None,
                         status="open" if form["status"] == "open" else
                         "addressed" if form["status"] == "addressed" else "all")
    errors: dict[str, str] = {}
    try:
        needs, total = service.list_needs(db, filters=filters, limit=PAGE_SIZE,
                                          offset=max(0, offset))
    except AppError as exc:
        needs, total, errors = [], 0, exc.fields
    names = display.country_names(db, [n.country_code for n in needs])
    return render(request, "needs/list.html", {
        **display.vocab(), "needs": needs, "total": total, "offset": max(0, offset),
        "limit": PAGE_SIZE, "form": form, "errors": errors, "country_names": names,
        "query": filters.query_string(), "is_curator": _is_curator(user),
        "has_demo": service.has_demo_data(db)})


def _values(form: dict[str, str]) -> dict[str, Any]:
    return {name: form.get(name, "") for name in FORM_FIELDS}


def _parse(db: Session, form: dict[str, str]) -> dict[str, Any]:
    """Form strings → validated need fields (errors keyed by form field)."""
    values: dict[str, Any] = {k: (v.strip() or None) for k, v in _values(form).items()}
    ref = values.pop("technology_ref")
    values["technology_id"] = service.technology_id_for(db, ref) if ref else None
    values["status"] = values["status"] or "open"
    fields: dict[str, str] = {}
    if ref and values["technology_id"] is None:
        fields["technology_ref"] = gettext(
            "no technology named %(name)s in the knowledge base") % {"name": repr(ref)}
    try:
        checked = NeedCreate(**values).model_dump()
    except ValidationError as exc:
        for err in exc.errors():
            name = str(err["loc"][0]) if err.get("loc") else "form"
            fields.setdefault(name, validation_message(err))
        raise ValidationFailed(fields=fields) from exc
    if fields:
        raise ValidationFailed(fields=fields)
    return checked


@router.get("/needs/new", response_class=HTMLResponse)
def new_need_form(request: Request, user: CuratorPage) -> Response:
    return render(request, "needs/form.html",
                  {**_choices(), "form": {"status": "open"}, "errors": {}, "need": None})


@router.post("/needs/new", response_class=HTMLResponse)
def create_need(request: Request, user: CuratorPage, form: FormData,
                db: SessionDep) -> Response:
    try:
        need = service.create(db, data=NeedCreate(**_parse(db, form)), actor=user)
    except AppError as exc:
        return form_with_errors(request, "needs/form.html", exc,
                                {**_choices(), "form": form, "need": None})
    flash(request, gettext("The need was recorded."))
    return redirect(f"/needs/{need.id}")


@router.get("/needs/import", response_class=HTMLResponse)
def import_form(request: Request, user: CuratorPage) -> Response:
    return render(request, "needs/import.html", {"errors": {}, "columns": transfer.COLUMNS})


async def uploaded_file(request: Request) -> bytes:
    """The bytes of the form's `file` field (read here, so the endpoint can stay a plain def)."""
    upload = (await request.form()).get("file")
    if upload is None or isinstance(upload, str):
        return b""
    return await upload.read()


@router.post("/needs/import", response_class=HTMLResponse)
@larger_body(transfer.MAX_BYTES + MULTIPART_OVERHEAD_BYTES)
def import_needs(request: Request, user: CuratorPage,
                 data: Annotated[bytes, Depends(uploaded_file)],
                 db: SessionDep) -> Response:
    try:
        result = transfer.import_csv(db, data=data, actor=user)
    except AppError as exc:
        return form_with_errors(request, "needs/import.html", exc, {"columns": transfer.COLUMNS})
    flash(request, gettext("Imported: %(created)s created, %(updated)s updated, %(unchanged)s "
                           "unchanged.") % {"created": result.created, "updated": result.updated,
                                            "unchanged": result.unchanged})
    return redirect("/needs")


def _need_context(db: Session, need: Need) -> dict[str, Any]:
    analysis = coverage.analyse(db, GapFilters(country=need.country_code,
                                               sector=need.sector.value,
                                               stage=need.stage.value, status="all"))
    cell = analysis.cells[0]  # the need's own (country, sector, stage)
    techs = service.technology_names(db, {need.technology_id} if need.technology_id else set())
    return {"need": need, "score": heatmap.format_score(cell.score(need.priority.value)),
            "covering": sorted(coverage.briefs(db, analysis.index.ids_of(cell.mask)).values(),
                               key=lambda b: b.name),
            "country_name": display.country_names(db, [need.country_code]).get(
                need.country_code, ""),
            "technology_ref": techs.get(need.technology_id or 0)}


@router.get("/needs/{need_id}", response_class=HTMLResponse)
def need_detail(need_id: ObjectId, request: Request, user: OptionalUser,
                db: SessionDep) -> Response:
    need = service.get(db, need_id=need_id)
    return render(request, "needs/detail.html", {
        **display.vocab(), **_need_context(db, need), "is_curator": _is_curator(user)})


@router.get("/needs/{need_id}/edit", response_class=HTMLResponse)
def edit_form(need_id: ObjectId, request: Request, user: CuratorPage,
              db: SessionDep) -> Response:
    need = service.get(db, need_id=need_id)
    current = {k: ("" if v is None else str(v)) for k, v in service.snapshot(need).items()}
    techs = service.technology_names(db, {need.technology_id} if need.technology_id else set())
    current["technology_ref"] = techs.get(need.technology_id or 0, "")
    return render(request, "needs/form.html",
                  {**_choices(), "form": current, "errors": {}, "need": need})


@router.post("/needs/{need_id}/edit", response_class=HTMLResponse)
def edit_need(need_id: ObjectId, request: Request, user: CuratorPage, form: FormData,
              db: SessionDep) -> Response:
    need = service.get(db, need_id=need_id, for_update=True)
    try:
        changed = service.apply_changes(db, need=need, changes=_parse(db, form), actor=user)
    except AppError as exc:
        return form_with_errors(request, "needs/form.html", exc,
                                {**_choices(), "form": form, "need": need})
    flash(request, gettext("The need was saved.") if changed else gettext("Nothing had changed."))
    return redirect(f"/needs/{need.id}")


@router.post("/needs/{need_id}/delete")
def delete_need(need_id: ObjectId, request: Request, user: CuratorPage,
                db: SessionDep) -> Response:
    service.delete(db, need=service.get(db, need_id=need_id, for_update=True), actor=user)
    flash(request, gettext("Need %(id)s was deleted; its history is kept.") % {"id": need_id})
    return redirect("/needs")


@router.get("/needs/{need_id}/history", response_class=HTMLResponse)
def need_history(need_id: ObjectId, request: Request, user: OptionalUser,
                 db: SessionDep) -> Response:
    revisions = service.revisions(db, need_id=need_id)
    older = {r.number: r for r in revisions}
    entries = [(r, diff(older[r.number - 1].snapshot if r.number - 1 in older else None,
                        r.snapshot)) for r in revisions]
    actors = {r.actor_id for r in revisions if r.actor_id}
    names = {i: accounts_service.get(db, user_id=i).display_name for i in actors}
    return render(request, "needs/history.html",
                  {"need_id": need_id, "entries": entries, "actors": names,
                   "exists": db.get(Need, need_id) is not None})
