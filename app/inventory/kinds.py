"""Mechanisms and technologies as the API and the pages show them: one `RecordKind` each.

The JSON API (`record_api.py`), the list pages (`pages.py`) and the add / edit / suggest forms
(`record_forms.py`) are written once, for any kind, and read from here what is the kind's own:
its URLs, schemas, filters, form fields and words. What only mechanisms have (the links between
them) is added beside the shared routes, in `routes.py` and `edit_pages.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Path
from pydantic import BaseModel
from sqlalchemy.orm import Session

from app.i18n.translate import N_
from app.inventory import deps, forms
from app.inventory import mechanisms as mech_service
from app.inventory import technologies as tech_service
from app.inventory.labels import static_labels
from app.inventory.record_service import RecordRules
from app.inventory.schemas import (
    MechanismCreate,
    MechanismPage,
    MechanismRead,
    MechanismUpdate,
    TechnologyCreate,
    TechnologyPage,
    TechnologyRead,
    TechnologyUpdate,
)
from app.kit.schemas import MAX_DB_INT

Sent = dict[str, list[str]]  # a submitted form: every value of each field


@dataclass(frozen=True)
class RecordKind:
    """One kind of inventory record as its API and pages show it."""

    rules: RecordRules[Any, Any]  # the service's side: how a record is saved, revised, restored
    plural: str  # "mechanisms": the URL segment of the API and of the record pages
    delete: Callable[..., None]  # the service's delete: (db, record, actor)
    # The JSON API's models and the list's facet filters (query parameters).
    read_schema: type[BaseModel]
    create_schema: type[BaseModel]
    update_schema: type[BaseModel]
    page_schema: type[BaseModel]
    filters: Callable[..., dict[str, list[str]]]
    # The pages.
    list_page: str  # the list with search and facets; "cancel" on a new record's form
    new_form: dict[str, str]  # what a new record's form starts with
    list_fields: frozenset[str]  # form fields sent as several values (checkbox groups)
    read_form: Callable[[Sent], tuple[dict[str, Any], dict[str, str]]]  # -> payload, unreadable
    form_values: Callable[[dict[str, Any]], dict[str, Any]]  # a record's content as form values
    options: Callable[[Session], dict[str, Any]]  # the choices the form offers
    add_title: str  # N_: the new record's form, for a curator (who adds it) ...
    suggest_new_title: str  # ... and for anyone else (who suggests it)
    add_button: str

    @property
    def entity_type(self) -> str:
        """How the history and suggestions name the kind ("mechanism"); the page's tab."""
        return self.rules.entity_type

    @property
    def id_param(self) -> str:
        """The record id's name in the URLs and the OpenAPI document ("mechanism_id")."""
        return f"{self.entity_type}_id"

    @property
    def form_fields(self) -> str:
        """The template of the form's own fields, included in `inventory/record_form.html`."""
        return f"inventory/_{self.entity_type}_fields.html"

    @property
    def base(self) -> str:
        """Where the kind's record pages are: `{base}/{id}`, `{base}/new`."""
        return f"/inventory/{self.plural}"

    def id_in_path(self) -> Any:
        """The record's id in the path, named as the kind's URLs name it (`mechanism_id`)."""
        return Path(alias=self.id_param, ge=1, le=MAX_DB_INT)


def _mechanism_options(db: Session) -> dict[str, Any]:
    labels = static_labels(local=True)
    return {name: list(labels[name].items())
            for name in ("kind", "status", "function", "sector", "stage")}


def _technology_options(db: Session) -> dict[str, Any]:
    labels = static_labels(local=True)
    options: dict[str, Any] = {
        name: list(labels[name].items())
        for name in ("sector", "stage", "availability", "mitigation_adaptation")}
    options["mechanisms"] = [(str(i), name) for i, name in sorted(
        mech_service.mechanism_names(db).items(), key=lambda kv: kv[1].lower())]
    return options


MECHANISMS = RecordKind(
    rules=mech_service.RULES, plural="mechanisms",
    delete=lambda db, record, actor: mech_service.delete_mechanism(db, mechanism=record,
                                                                   actor=actor),
    read_schema=MechanismRead, create_schema=MechanismCreate, update_schema=MechanismUpdate,
    page_schema=MechanismPage, filters=deps.mechanism_filters,
    list_page="/inventory", new_form={"status": "active", "scope": "WORLD"},
    list_fields=frozenset({"functions", "sectors", "stages"}),
    read_form=forms.mechanism_payload, form_values=forms.mechanism_form,
    options=_mechanism_options, add_title=N_("Add a mechanism"),
    suggest_new_title=N_("Suggest a new mechanism"), add_button=N_("Add mechanism"))

TECHNOLOGIES = RecordKind(
    rules=tech_service.RULES, plural="technologies",
    delete=lambda db, record, actor: tech_service.delete_technology(db, technology=record,
                                                                    actor=actor),
    read_schema=TechnologyRead, create_schema=TechnologyCreate, update_schema=TechnologyUpdate,
    page_schema=TechnologyPage, filters=deps.technology_filters,
    list_page="/inventory/technologies", new_form={},
    list_fields=frozenset({"sectors", "related_mechanism_ids"}),
    read_form=forms.technology_payload, form_values=forms.technology_form,
    options=_technology_options, add_title=N_("Add a technology"),
    suggest_new_title=N_("Suggest a new technology"), add_button=N_("Add technology"))

KINDS = (MECHANISMS, TECHNOLOGIES)
BY_PLURAL = {kind.plural: kind for kind in KINDS}  # "/inventory/{plural}/..." -> its kind
