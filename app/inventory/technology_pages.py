"""HTML forms for technologies: add, edit, suggest an edit, verify, delete."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from app.accounts.deps import CurrentUser, csrf_protect
from app.accounts.models import User
from app.errors import AppError
from app.inventory import forms, records
from app.inventory import mechanisms as mech_service
from app.inventory import suggestions as suggestion_service
from app.inventory import technologies as service
from app.inventory.deps import CuratorUser
from app.inventory.labels import static_labels
from app.inventory.records import TECHNOLOGY, is_curator
from app.kit.forms import FormLists, form_with_errors, redirect
from app.kit.routing import APIRouter
from app.kit.schemas import ObjectId
from app.kit.templating import flash, render
from app.kit.unit_of_work import get_db

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)

TEMPLATE = "inventory/technology_form.html"
LIST_FIELDS = {"sectors", "related_mechanism_ids"}


def _payload(db: Session, sent: dict[str, list[str]], existing_id: int | None
             ) -> dict[str, Any]:
    payload, unreadable = forms.technology_payload(sent)
    return forms.checked(payload, unreadable, lambda data: service.check_technology(
        db, data=data, existing_id=existing_id))


def _context(db: Session, mode: str, action: str, form: dict[str, Any], *, title: str,
             cancel: str, comment: str = "") -> dict[str, Any]:
    labels = static_labels()
    options = {name: list(labels[name].items())
               for name in ("sector", "stage", "availability", "mitigation_adaptation")}
    options["mechanisms"] = [(str(i), name) for i, name in sorted(
        mech_service.mechanism_names(db).items(), key=lambda kv: kv[1].lower())]
    return {"mode": mode, "action": action, "form": form, "errors": {}, "title": title,
            "cancel": cancel, "options": options, "comment": comment}


def _new_context(db: Session, user: User, form: dict[str, Any]) -> dict[str, Any]:
    curator = is_curator(user)
    return _context(db, "create" if curator else "suggest_new", "/inventory/technologies/new",
                    form, title="Add a technology" if curator else "Suggest a new technology",
                    cancel="/inventory/technologies")


@router.get("/inventory/technologies/new", response_class=HTMLResponse)
def new_form(request: Request, user: CurrentUser, db: Session = Depends(get_db)) -> Response:
    return render(request, TEMPLATE, _new_context(db, user, {}))


@router.post("/inventory/technologies/new", response_class=HTMLResponse)
def create(request: Request, user: CurrentUser, sent: FormLists,
           db: Session = Depends(get_db)) -> Response:
    """Curators add the technology; anyone else signed in sends it to the moderation queue."""
    comment = (sent.get("comment") or [""])[-1]
    try:
        payload = _payload(db, sent, None)
        if is_curator(user):
            technology = service.create_technology(db, data=payload, actor=user)
            flash(request, f"{technology.name} was added.")
            return redirect(f"/inventory/technologies/{technology.id}")
        suggestion_service.create_suggestion(db, author=user, entity_type=TECHNOLOGY,
                                             entity_id=None, payload=payload, comment=comment)
    except AppError as exc:
        return form_with_errors(request, TEMPLATE, forms.for_form(exc), {
            **_new_context(db, user, forms.form_values(sent, LIST_FIELDS)), "comment": comment})
    flash(request, "Thank you: a curator will review your suggestion.")
    return redirect("/inventory/suggestions")


@router.get("/inventory/technologies/{technology_id}/edit", response_class=HTMLResponse)
def edit_form(technology_id: ObjectId, request: Request, user: CuratorUser,
              db: Session = Depends(get_db)) -> Response:
    technology = service.get_technology(db, technology_id=technology_id)
    form = forms.technology_form(records.technology_content(technology))
    return render(request, TEMPLATE, _context(
        db, "edit", f"/inventory/technologies/{technology_id}/edit", form,
        title=f"Edit {technology.name}", cancel=f"/inventory/technologies/{technology_id}"))


@router.post("/inventory/technologies/{technology_id}/edit", response_class=HTMLResponse)
def edit(technology_id: ObjectId, request: Request, user: CuratorUser, sent: FormLists,
               db: Session = Depends(get_db)) -> Response:
    technology = service.get_technology(db, technology_id=technology_id)
    try:
        service.update_technology(db, technology=technology,
                                  changes=_payload(db, sent, technology_id),
                                 actor=user)
    except AppError as exc:
        return form_with_errors(request, TEMPLATE, forms.for_form(exc), _context(
            db, "edit", f"/inventory/technologies/{technology_id}/edit",
            forms.form_values(sent, LIST_FIELDS), title=f"Edit {technology.name}",
            cancel=f"/inventory/technologies/{technology_id}"))
    flash(request, "The changes were saved.")
    return redirect(f"/inventory/technologies/{technology_id}")


@router.get("/inventory/technologies/{technology_id}/suggest", response_class=HTMLResponse)
def suggest_form(technology_id: ObjectId, request: Request, user: CurrentUser,
                 db: Session = Depends(get_db)) -> Response:
    technology = service.get_technology(db, technology_id=technology_id)
    form = forms.technology_form(records.technology_content(technology))
    return render(request, TEMPLATE, _context(
        db, "suggest_edit", f"/inventory/technologies/{technology_id}/suggest", form,
        title=f"Suggest an edit to {technology.name}",
        cancel=f"/inventory/technologies/{technology_id}"))


@router.post("/inventory/technologies/{technology_id}/suggest", response_class=HTMLResponse)
def suggest(technology_id: ObjectId, request: Request, user: CurrentUser, sent: FormLists,
                  db: Session = Depends(get_db)) -> Response:
    technology = service.get_technology(db, technology_id=technology_id)
    comment = (sent.get("comment") or [""])[-1]
    try:
        suggestion_service.create_suggestion(
            db, author=user, entity_type=TECHNOLOGY, entity_id=technology_id,
            payload=_payload(db, sent, technology_id), comment=comment)
    except AppError as exc:
        return form_with_errors(request, TEMPLATE, forms.for_form(exc), {**_context(
            db, "suggest_edit", f"/inventory/technologies/{technology_id}/suggest",
            forms.form_values(sent, LIST_FIELDS),
            title=f"Suggest an edit to {technology.name}",
            cancel=f"/inventory/technologies/{technology_id}"), "comment": comment})
    flash(request, "Thank you: a curator will review your suggestion.")
    return redirect(f"/inventory/technologies/{technology_id}")


@router.post("/inventory/technologies/{technology_id}/verify")
def verify(technology_id: ObjectId, request: Request, user: CuratorUser,
           db: Session = Depends(get_db)) -> Response:
    technology = service.get_technology(db, technology_id=technology_id)
    service.verify_technology(db, technology=technology, actor=user)
    flash(request, f"{technology.name} is marked verified today.")
    back = request.query_params.get("next")
    return redirect("/inventory/stale" if back == "stale"
                    else f"/inventory/technologies/{technology_id}")


@router.post("/inventory/technologies/{technology_id}/delete")
def delete(technology_id: ObjectId, request: Request, user: CuratorUser,
           db: Session = Depends(get_db)) -> Response:
    technology = service.get_technology(db, technology_id=technology_id)
    name = technology.name
    service.delete_technology(db, technology=technology, actor=user)
    flash(request, f"{name} was deleted; its history page can restore it.")
    return redirect("/inventory/technologies")
