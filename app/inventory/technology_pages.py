"""HTML forms for technologies: add, edit, suggest an edit, verify, delete."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from app.accounts.deps import CurrentUser, csrf_protect
from app.i18n.translate import gettext
from app.inventory import forms, records
from app.inventory import mechanisms as mech_service
from app.inventory import technologies as service
from app.inventory.deps import CuratorUser
from app.inventory.labels import static_labels
from app.inventory.record_forms import (
    RecordForms,
    create_or_suggest,
    save_edit,
    save_suggestion,
)
from app.inventory.records import TECHNOLOGY
from app.kit.forms import FormLists, redirect
from app.kit.routing import APIRouter
from app.kit.schemas import ObjectId
from app.kit.templating import flash, render
from app.kit.unit_of_work import SessionDep

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)


def _payload(db: Session, sent: dict[str, list[str]], existing_id: int | None
             ) -> dict[str, Any]:
    payload, unreadable = forms.technology_payload(sent)
    return forms.checked(payload, unreadable, lambda data: service.check_technology(
        db, data=data, existing_id=existing_id))


def _options(db: Session) -> dict[str, Any]:
    labels = static_labels(local=True)
    options: dict[str, Any] = {
        name: list(labels[name].items())
        for name in ("sector", "stage", "availability", "mitigation_adaptation")}
    options["mechanisms"] = [(str(i), name) for i, name in sorted(
        mech_service.mechanism_names(db).items(), key=lambda kv: kv[1].lower())]
    return options


TECHNOLOGY_FORMS = RecordForms(
    entity_type=TECHNOLOGY, noun="technology", base="/inventory/technologies",
    list_page="/inventory/technologies", template="inventory/technology_form.html",
    list_fields=frozenset({"sectors", "related_mechanism_ids"}), payload=_payload,
    options=_options)


@router.get("/inventory/technologies/new", response_class=HTMLResponse)
def new_form(request: Request, user: CurrentUser, db: SessionDep) -> Response:
    return render(request, TECHNOLOGY_FORMS.template,
                  TECHNOLOGY_FORMS.new_context(db, user, {}))


@router.post("/inventory/technologies/new", response_class=HTMLResponse)
def create(request: Request, user: CurrentUser, sent: FormLists,
           db: SessionDep) -> Response:
    """Curators add the technology; anyone else signed in sends it to the moderation queue."""
    return create_or_suggest(TECHNOLOGY_FORMS, request, db, user, sent, lambda payload:
                             service.create_technology(db, data=payload, actor=user))


@router.get("/inventory/technologies/{technology_id}/edit", response_class=HTMLResponse)
def edit_form(technology_id: ObjectId, request: Request, user: CuratorUser,
              db: SessionDep) -> Response:
    technology = service.get_technology(db, technology_id=technology_id)
    form = forms.technology_form(records.technology_content(technology))
    return render(request, TECHNOLOGY_FORMS.template,
                  TECHNOLOGY_FORMS.edit_context(db, technology.id, technology.name, form))


@router.post("/inventory/technologies/{technology_id}/edit", response_class=HTMLResponse)
def edit(technology_id: ObjectId, request: Request, user: CuratorUser, sent: FormLists,
         db: SessionDep) -> Response:
    technology = service.get_technology(db, technology_id=technology_id, for_update=True)
    return save_edit(TECHNOLOGY_FORMS, request, db, technology, sent, lambda changes:
                     service.update_technology(db, technology=technology, changes=changes,
                                               actor=user))


@router.get("/inventory/technologies/{technology_id}/suggest", response_class=HTMLResponse)
def suggest_form(technology_id: ObjectId, request: Request, user: CurrentUser,
                 db: SessionDep) -> Response:
    technology = service.get_technology(db, technology_id=technology_id)
    form = forms.technology_form(records.technology_content(technology))
    return render(request, TECHNOLOGY_FORMS.template,
                  TECHNOLOGY_FORMS.suggest_context(db, technology.id, technology.name, form))


@router.post("/inventory/technologies/{technology_id}/suggest", response_class=HTMLResponse)
def suggest(technology_id: ObjectId, request: Request, user: CurrentUser, sent: FormLists,
            db: SessionDep) -> Response:
    """Queue the change for a curator; the record itself does not change."""
    technology = service.get_technology(db, technology_id=technology_id)
    return save_suggestion(TECHNOLOGY_FORMS, request, db, user, technology, sent)


@router.post("/inventory/technologies/{technology_id}/verify")
def verify(technology_id: ObjectId, request: Request, user: CuratorUser,
           db: SessionDep) -> Response:
    technology = service.get_technology(db, technology_id=technology_id, for_update=True)
    service.verify_technology(db, technology=technology, actor=user)
    flash(request, gettext("%(name)s is marked verified today.") % {"name": technology.name})
    back = request.query_params.get("next")
    return redirect("/inventory/stale" if back == "stale"
                    else f"/inventory/technologies/{technology_id}")


@router.post("/inventory/technologies/{technology_id}/delete")
def delete(technology_id: ObjectId, request: Request, user: CuratorUser,
           db: SessionDep) -> Response:
    technology = service.get_technology(db, technology_id=technology_id, for_update=True)
    name = technology.name
    service.delete_technology(db, technology=technology, actor=user)
    flash(request, gettext("%(name)s was deleted; its history page can restore it.")
          % {"name": name})
    return redirect("/inventory/technologies")
