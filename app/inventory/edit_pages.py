"""HTML forms for mechanisms: add, edit, suggest an edit, link, verify, delete."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from app.accounts.deps import CurrentUser, csrf_protect
from app.errors import AppError, ValidationFailed
from app.i18n.translate import N_, gettext
from app.inventory import forms, records
from app.inventory import mechanisms as service
from app.inventory.deps import CuratorUser
from app.inventory.labels import static_labels
from app.inventory.models import LinkType
from app.inventory.pages import detail_context
from app.inventory.record_forms import (
    RecordForms,
    create_or_suggest,
    save_edit,
    save_suggestion,
)
from app.inventory.records import MECHANISM
from app.kit.forms import FormData, FormLists, form_with_errors, redirect
from app.kit.routing import APIRouter
from app.kit.schemas import ObjectId
from app.kit.templating import flash, render
from app.kit.unit_of_work import SessionDep

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)


def _payload(db: Session, sent: dict[str, list[str]], existing_id: int | None
             ) -> dict[str, Any]:
    payload, unreadable = forms.mechanism_payload(sent)
    return forms.checked(payload, unreadable, lambda data: service.check_mechanism(
        db, data=data, existing_id=existing_id))


def _options(db: Session) -> dict[str, Any]:
    labels = static_labels(local=True)
    return {name: list(labels[name].items())
            for name in ("kind", "status", "function", "sector", "stage")}


MECHANISM_FORMS = RecordForms(
    entity_type=MECHANISM, noun="mechanism", base="/inventory/mechanisms",
    list_page="/inventory", template="inventory/mechanism_form.html",
    list_fields=frozenset({"functions", "sectors", "stages"}), payload=_payload,
    options=_options)


@router.get("/inventory/mechanisms/new", response_class=HTMLResponse)
def new_form(request: Request, user: CurrentUser, db: SessionDep) -> Response:
    return render(request, MECHANISM_FORMS.template, MECHANISM_FORMS.new_context(
        db, user, {"status": "active", "scope": "WORLD"}))


@router.post("/inventory/mechanisms/new", response_class=HTMLResponse)
def create(request: Request, user: CurrentUser, sent: FormLists,
           db: SessionDep) -> Response:
    """Curators add the mechanism; anyone else signed in sends it to the moderation queue."""
    return create_or_suggest(MECHANISM_FORMS, request, db, user, sent, lambda payload:
                             service.create_mechanism(db, data=payload, actor=user))


@router.get("/inventory/mechanisms/{mechanism_id}/edit", response_class=HTMLResponse)
def edit_form(mechanism_id: ObjectId, request: Request, user: CuratorUser,
              db: SessionDep) -> Response:
    mechanism = service.get_mechanism(db, mechanism_id=mechanism_id)
    form = forms.mechanism_form(records.mechanism_content(mechanism))
    return render(request, MECHANISM_FORMS.template,
                  MECHANISM_FORMS.edit_context(db, mechanism.id, mechanism.name, form))


@router.post("/inventory/mechanisms/{mechanism_id}/edit", response_class=HTMLResponse)
def edit(mechanism_id: ObjectId, request: Request, user: CuratorUser, sent: FormLists,
         db: SessionDep) -> Response:
    mechanism = service.get_mechanism(db, mechanism_id=mechanism_id, for_update=True)
    return save_edit(MECHANISM_FORMS, request, db, mechanism, sent, lambda changes:
                     service.update_mechanism(db, mechanism=mechanism, changes=changes,
                                              actor=user))


@router.get("/inventory/mechanisms/{mechanism_id}/suggest", response_class=HTMLResponse)
def suggest_form(mechanism_id: ObjectId, request: Request, user: CurrentUser,
                 db: SessionDep) -> Response:
    mechanism = service.get_mechanism(db, mechanism_id=mechanism_id)
    form = forms.mechanism_form(records.mechanism_content(mechanism))
    return render(request, MECHANISM_FORMS.template,
                  MECHANISM_FORMS.suggest_context(db, mechanism.id, mechanism.name, form))


@router.post("/inventory/mechanisms/{mechanism_id}/suggest", response_class=HTMLResponse)
def suggest(mechanism_id: ObjectId, request: Request, user: CurrentUser, sent: FormLists,
            db: SessionDep) -> Response:
    """Queue the change for a curator; the record itself does not change."""
    mechanism = service.get_mechanism(db, mechanism_id=mechanism_id)
    return save_suggestion(MECHANISM_FORMS, request, db, user, mechanism, sent)


@router.post("/inventory/mechanisms/{mechanism_id}/verify")
def verify(mechanism_id: ObjectId, request: Request, user: CuratorUser,
           db: SessionDep) -> Response:
    mechanism = service.get_mechanism(db, mechanism_id=mechanism_id, for_update=True)
    service.verify_mechanism(db, mechanism=mechanism, actor=user)
    flash(request, gettext("%(name)s is marked verified today.") % {"name": mechanism.name})
    back = request.query_params.get("next")
    return redirect("/inventory/stale" if back == "stale"
                    else f"/inventory/mechanisms/{mechanism_id}")


@router.post("/inventory/mechanisms/{mechanism_id}/delete")
def delete(mechanism_id: ObjectId, request: Request, user: CuratorUser,
           db: SessionDep) -> Response:
    mechanism = service.get_mechanism(db, mechanism_id=mechanism_id, for_update=True)
    name = mechanism.name
    service.delete_mechanism(db, mechanism=mechanism, actor=user)
    flash(request, gettext("%(name)s was deleted; its history page can restore it.")
          % {"name": name})
    return redirect("/inventory")


@router.post("/inventory/mechanisms/{mechanism_id}/links", response_class=HTMLResponse)
def add_link(mechanism_id: ObjectId, request: Request, user: CuratorUser, sent: FormData,
                   db: SessionDep) -> Response:
    mechanism = service.get_mechanism(db, mechanism_id=mechanism_id, for_update=True)
    try:
        try:
            target_id = int(sent.get("target_id", ""))
        except ValueError as exc:
            raise ValidationFailed(fields={"target_id": N_("choose a mechanism")}) from exc
        try:
            link_type = LinkType(sent.get("type", ""))
        except ValueError as exc:
            raise ValidationFailed(fields={"type": N_("choose a kind of link")}) from exc
        service.add_link(db, mechanism=mechanism, target_id=target_id, link_type=link_type,
                         note=sent.get("note"), actor=user)
    except AppError as exc:
        return form_with_errors(request, "inventory/mechanism.html", exc, {
            **detail_context(db, mechanism_id), "is_curator": True, "link_form": sent})
    flash(request, gettext("The link was added."))
    return redirect(f"/inventory/mechanisms/{mechanism_id}#links-heading")


@router.post("/inventory/mechanisms/{mechanism_id}/links/{link_id}/delete")
def remove_link(mechanism_id: ObjectId, link_id: ObjectId, request: Request, user: CuratorUser,
                db: SessionDep) -> Response:
    mechanism = service.get_mechanism(db, mechanism_id=mechanism_id, for_update=True)
    service.remove_link(db, mechanism=mechanism, link_id=link_id, actor=user)
    flash(request, gettext("The link was removed."))
    return redirect(f"/inventory/mechanisms/{mechanism_id}#links-heading")
