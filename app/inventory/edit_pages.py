"""HTML forms that change the inventory: add, edit, suggest an edit, verify and delete a
mechanism or a technology (written once, in `record_forms.py`), and a mechanism's links."""

from __future__ import annotations

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response

from app.accounts.deps import csrf_protect
from app.errors import AppError, ValidationFailed
from app.i18n.translate import N_, gettext
from app.inventory import mechanisms as service
from app.inventory.deps import CuratorUser
from app.inventory.kinds import MECHANISMS, TECHNOLOGIES
from app.inventory.models import LinkType
from app.inventory.pages import detail_context
from app.inventory.record_forms import add_edit_pages
from app.kit.forms import FormData, form_with_errors, redirect
from app.kit.routing import APIRouter
from app.kit.schemas import ObjectId
from app.kit.templating import flash
from app.kit.unit_of_work import SessionDep

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)

add_edit_pages(router, MECHANISMS)


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
            **detail_context(db, mechanism_id, link_choices=True), "is_curator": True,
            "link_form": sent})
    flash(request, gettext("The link was added."))
    return redirect(f"/inventory/mechanisms/{mechanism_id}#links-heading")


@router.post("/inventory/mechanisms/{mechanism_id}/links/{link_id}/delete")
def remove_link(mechanism_id: ObjectId, link_id: ObjectId, request: Request, user: CuratorUser,
                db: SessionDep) -> Response:
    mechanism = service.get_mechanism(db, mechanism_id=mechanism_id, for_update=True)
    service.remove_link(db, mechanism=mechanism, link_id=link_id, actor=user)
    flash(request, gettext("The link was removed."))
    return redirect(f"/inventory/mechanisms/{mechanism_id}#links-heading")


add_edit_pages(router, TECHNOLOGIES)
