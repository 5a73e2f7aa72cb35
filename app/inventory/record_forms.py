"""The add / edit / suggest-an-edit form flow shared by mechanisms and technologies.

A curator's form changes the record; anyone else signed in sends the same form to the
moderation queue as a suggestion. Each kind of record only says how its form is read and shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.errors import AppError
from app.i18n.translate import N_, gettext
from app.inventory import forms
from app.inventory import suggestions as suggestion_service
from app.inventory.records import is_curator
from app.kit.forms import form_with_errors, redirect
from app.kit.templating import flash

Sent = dict[str, list[str]]
THANKS = N_("Thank you: a curator will review your suggestion.")
# The form's titles, by the record's noun: (a curator adds, anyone else suggests).
NEW_TITLES = {"mechanism": (N_("Add a mechanism"), N_("Suggest a new mechanism")),
              "technology": (N_("Add a technology"), N_("Suggest a new technology"))}


@dataclass(frozen=True)
class RecordForms:
    entity_type: str  # records.MECHANISM or records.TECHNOLOGY
    noun: str  # "mechanism"
    base: str  # "/inventory/mechanisms"
    list_page: str  # where "cancel" on the new-record form goes
    template: str
    list_fields: frozenset[str]  # fields sent as several values (checkbox groups)
    payload: Callable[[Session, Sent, int | None], dict[str, Any]]  # read + check the form
    options: Callable[[Session], dict[str, Any]]  # choices the template offers

    def context(self, db: Session, mode: str, action: str, form: dict[str, Any], *, title: str,
                cancel: str, comment: str = "") -> dict[str, Any]:
        return {"mode": mode, "action": action, "form": form, "errors": {}, "title": title,
                "cancel": cancel, "options": self.options(db), "comment": comment}

    def new_context(self, db: Session, user: User, form: dict[str, Any],
                    comment: str = "") -> dict[str, Any]:
        curator = is_curator(user)
        title = gettext(NEW_TITLES[self.noun][0 if curator else 1])
        return self.context(db, "create" if curator else "suggest_new", f"{self.base}/new",
                            form, title=title, cancel=self.list_page, comment=comment)

    def edit_context(self, db: Session, record_id: int, name: str,
                     form: dict[str, Any]) -> dict[str, Any]:
        return self.context(db, "edit", f"{self.base}/{record_id}/edit", form,
                            title=gettext("Edit %(name)s") % {"name": name},
                            cancel=f"{self.base}/{record_id}")

    def suggest_context(self, db: Session, record_id: int, name: str, form: dict[str, Any],
                        comment: str = "") -> dict[str, Any]:
        return self.context(db, "suggest_edit", f"{self.base}/{record_id}/suggest", form,
                            title=gettext("Suggest an edit to %(name)s") % {"name": name},
                            cancel=f"{self.base}/{record_id}", comment=comment)

    def resent(self, sent: Sent) -> dict[str, Any]:
        """The submitted values, to show the form again as it was sent."""
        return forms.form_values(sent, set(self.list_fields))


def _comment(sent: Sent) -> str:
    return (sent.get("comment") or [""])[-1]


def create_or_suggest(kind: RecordForms, request: Request, db: Session, user: User, sent: Sent,
                      create: Callable[[dict[str, Any]], Any]) -> Response:
    """A curator adds the record; anyone else signed in suggests it."""
    comment = _comment(sent)
    try:
        payload = kind.payload(db, sent, None)
        if is_curator(user):
            record = create(payload)
            flash(request, gettext("%(name)s was added.") % {"name": record.name})
            return redirect(f"{kind.base}/{record.id}")
        suggestion_service.create_suggestion(db, author=user, entity_type=kind.entity_type,
                                             entity_id=None, payload=payload, comment=comment)
    except AppError as exc:
        return form_with_errors(request, kind.template, forms.for_form(exc),
                                kind.new_context(db, user, kind.resent(sent), comment))
    flash(request, gettext(THANKS))
    return redirect("/inventory/suggestions")


def save_edit(kind: RecordForms, request: Request, db: Session, record: Any, sent: Sent,
              update: Callable[[dict[str, Any]], Any]) -> Response:
    """A curator's edit, applied at once."""
    try:
        update(kind.payload(db, sent, record.id))
    except AppError as exc:
        return form_with_errors(request, kind.template, forms.for_form(exc),
                                kind.edit_context(db, record.id, record.name, kind.resent(sent)))
    flash(request, gettext("The changes were saved."))
    return redirect(f"{kind.base}/{record.id}")


def save_suggestion(kind: RecordForms, request: Request, db: Session, user: User, record: Any,
                    sent: Sent) -> Response:
    """Queue the change for a curator; the record itself does not change."""
    comment = _comment(sent)
    try:
        suggestion_service.create_suggestion(
            db, author=user, entity_type=kind.entity_type, entity_id=record.id,
            payload=kind.payload(db, sent, record.id), comment=comment)
    except AppError as exc:
        return form_with_errors(request, kind.template, forms.for_form(exc), kind.suggest_context(
            db, record.id, record.name, kind.resent(sent), comment))
    flash(request, gettext(THANKS))
    return redirect(f"{kind.base}/{record.id}")
