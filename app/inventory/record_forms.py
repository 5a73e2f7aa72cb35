"""The pages that change a record, the same for mechanisms and technologies: add, edit, suggest
an edit, verify, delete. `add_edit_pages` writes the routes once for a kind (`kinds.py`).

A curator's form changes the record; anyone else signed in sends the same form to the
moderation queue as a suggestion. Each kind of record only says how its form is read and shown.
"""

# No `from __future__ import annotations` here: the record id's path parameter is named as the
# kind's URLs name it (`mechanism_id`), known only when `add_edit_pages` runs, so the
# annotations must be evaluated then.

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from app.accounts.deps import CurrentUser
from app.accounts.models import User
from app.errors import AppError
from app.i18n.translate import N_, gettext
from app.inventory import forms, record_service
from app.inventory import suggestions as suggestion_service
from app.inventory.deps import CuratorUser
from app.inventory.kinds import RecordKind, Sent
from app.inventory.records import is_curator
from app.kit.forms import FormLists, form_with_errors, redirect
from app.kit.routing import APIRouter
from app.kit.templating import flash, render
from app.kit.unit_of_work import SessionDep

TEMPLATE = "inventory/record_form.html"
THANKS = N_("Thank you: a curator will review your suggestion.")


def _context(kind: RecordKind, db: Session, mode: str, action: str, form: dict[str, Any], *,
             title: str, cancel: str, comment: str = "") -> dict[str, Any]:
    return {"mode": mode, "action": action, "form": form, "errors": {}, "title": title,
            "cancel": cancel, "options": kind.options(db), "comment": comment,
            "entity": kind.entity_type, "fields": kind.form_fields,
            "add_button": gettext(kind.add_button)}


def new_context(kind: RecordKind, db: Session, user: User, form: dict[str, Any],
                comment: str = "") -> dict[str, Any]:
    curator = is_curator(user)
    title = gettext(kind.add_title if curator else kind.suggest_new_title)
    return _context(kind, db, "create" if curator else "suggest_new", f"{kind.base}/new", form,
                    title=title, cancel=kind.list_page, comment=comment)


def edit_context(kind: RecordKind, db: Session, record_id: int, name: str,
                 form: dict[str, Any]) -> dict[str, Any]:
    return _context(kind, db, "edit", f"{kind.base}/{record_id}/edit", form,
                    title=gettext("Edit %(name)s") % {"name": name},
                    cancel=f"{kind.base}/{record_id}")


def suggest_context(kind: RecordKind, db: Session, record_id: int, name: str,
                    form: dict[str, Any], comment: str = "") -> dict[str, Any]:
    return _context(kind, db, "suggest_edit", f"{kind.base}/{record_id}/suggest", form,
                    title=gettext("Suggest an edit to %(name)s") % {"name": name},
                    cancel=f"{kind.base}/{record_id}", comment=comment)


def _payload(kind: RecordKind, db: Session, sent: Sent, existing_id: int | None
             ) -> dict[str, Any]:
    """The form as the service's fields, checked by the kind's rules (one 422 for all)."""
    payload, unreadable = kind.read_form(sent)
    return forms.checked(payload, unreadable, lambda data: kind.rules.check(
        db, data=data, existing_id=existing_id))


def _resent(kind: RecordKind, sent: Sent) -> dict[str, Any]:
    """The submitted values, to show the form again as it was sent."""
    return forms.form_values(sent, set(kind.list_fields))


def _comment(sent: Sent) -> str:
    return (sent.get("comment") or [""])[-1]


def create_or_suggest(kind: RecordKind, request: Request, db: Session, user: User,
                      sent: Sent) -> Response:
    """A curator adds the record; anyone else signed in suggests it."""
    comment = _comment(sent)
    try:
        payload = _payload(kind, db, sent, None)
        if is_curator(user):
            record = record_service.create(db, kind.rules, data=payload, actor=user)
            flash(request, gettext("%(name)s was added.") % {"name": record.name})
            return redirect(f"{kind.base}/{record.id}")
        suggestion_service.create_suggestion(db, author=user, entity_type=kind.entity_type,
                                             entity_id=None, payload=payload, comment=comment)
    except AppError as exc:
        return form_with_errors(request, TEMPLATE, forms.for_form(exc),
                                new_context(kind, db, user, _resent(kind, sent), comment))
    flash(request, gettext(THANKS))
    return redirect("/inventory/suggestions")


def save_edit(kind: RecordKind, request: Request, db: Session, user: User, record_id: int,
              sent: Sent) -> Response:
    """A curator's edit, applied at once (the row locked until then)."""
    record = record_service.get(db, kind.rules, record_id=record_id, for_update=True)
    try:
        record_service.update(db, kind.rules, record=record, actor=user,
                              changes=_payload(kind, db, sent, record.id))
    except AppError as exc:
        return form_with_errors(request, TEMPLATE, forms.for_form(exc), edit_context(
            kind, db, record.id, record.name, _resent(kind, sent)))
    flash(request, gettext("The changes were saved."))
    return redirect(f"{kind.base}/{record.id}")


def save_suggestion(kind: RecordKind, request: Request, db: Session, user: User,
                    record_id: int, sent: Sent) -> Response:
    """Queue the change for a curator; the record itself does not change."""
    record = record_service.get(db, kind.rules, record_id=record_id)
    comment = _comment(sent)
    try:
        suggestion_service.create_suggestion(
            db, author=user, entity_type=kind.entity_type, entity_id=record.id,
            payload=_payload(kind, db, sent, record.id), comment=comment)
    except AppError as exc:
        return form_with_errors(request, TEMPLATE, forms.for_form(exc), suggest_context(
            kind, db, record.id, record.name, _resent(kind, sent), comment))
    flash(request, gettext(THANKS))
    return redirect(f"{kind.base}/{record.id}")


def add_edit_pages(router: APIRouter, kind: RecordKind) -> None:
    """Add the kind's form pages and its verify and delete buttons' routes to `router`."""
    rules = kind.rules
    RecordId = Annotated[int, kind.id_in_path()]
    one = f"{kind.base}/{{{kind.id_param}}}"

    def record_form(request: Request, db: Session, record_id: int,
                    context: Callable[..., dict[str, Any]]) -> Response:
        """The form showing the record as it is (to edit it, or to suggest an edit)."""
        record = record_service.get(db, rules, record_id=record_id)
        form = kind.form_values(rules.content(record))
        return render(request, TEMPLATE, context(kind, db, record.id, record.name, form))

    @router.get(f"{kind.base}/new", response_class=HTMLResponse)
    def new_form(request: Request, user: CurrentUser, db: SessionDep) -> Response:
        return render(request, TEMPLATE, new_context(kind, db, user, dict(kind.new_form)))

    @router.post(f"{kind.base}/new", response_class=HTMLResponse)
    def create(request: Request, user: CurrentUser, sent: FormLists,
               db: SessionDep) -> Response:
        """Curators add the record; anyone else signed in sends it to the moderation queue."""
        return create_or_suggest(kind, request, db, user, sent)

    @router.get(f"{one}/edit", response_class=HTMLResponse)
    def edit_form(record_id: RecordId, request: Request, user: CuratorUser,
                  db: SessionDep) -> Response:
        return record_form(request, db, record_id, edit_context)

    @router.post(f"{one}/edit", response_class=HTMLResponse)
    def edit(record_id: RecordId, request: Request, user: CuratorUser, sent: FormLists,
             db: SessionDep) -> Response:
        return save_edit(kind, request, db, user, record_id, sent)

    @router.get(f"{one}/suggest", response_class=HTMLResponse)
    def suggest_form(record_id: RecordId, request: Request, user: CurrentUser,
                     db: SessionDep) -> Response:
        return record_form(request, db, record_id, suggest_context)

    @router.post(f"{one}/suggest", response_class=HTMLResponse)
    def suggest(record_id: RecordId, request: Request, user: CurrentUser, sent: FormLists,
                db: SessionDep) -> Response:
        """Queue the change for a curator; the record itself does not change."""
        return save_suggestion(kind, request, db, user, record_id, sent)

    @router.post(f"{one}/verify")
    def verify(record_id: RecordId, request: Request, user: CuratorUser,
               db: SessionDep) -> Response:
        record = record_service.get(db, rules, record_id=record_id, for_update=True)
        record_service.verify(db, rules, record=record, actor=user)
        flash(request, gettext("%(name)s is marked verified today.") % {"name": record.name})
        back = request.query_params.get("next")
        return redirect("/inventory/stale" if back == "stale" else f"{kind.base}/{record_id}")

    @router.post(f"{one}/delete")
    def delete(record_id: RecordId, request: Request, user: CuratorUser,
               db: SessionDep) -> Response:
        record = record_service.get(db, rules, record_id=record_id, for_update=True)
        name = record.name
        kind.delete(db, record, user)
        flash(request, gettext("%(name)s was deleted; its history page can restore it.")
              % {"name": name})
        return redirect(kind.list_page)

