"""The JSON API every kind of inventory record has: search, create, read, change, delete,
verify, and its revisions (list, compare, restore). Reads are public; writes need a curator or
admin. `add_record_api` writes the routes once for a kind; each keeps the kind's own paths,
parameter names, operation names and schemas (`/mechanisms/{mechanism_id}`, `MechanismRead`).
"""

# No `from __future__ import annotations` here: FastAPI reads each parameter's type from its
# annotation, and the types are the kind's (its id's name, its schemas, its filters), known only
# when `add_record_api` runs, so the annotations must be evaluated then.

from typing import Annotated, Any, cast

from fastapi import Body, Depends, Query
from pydantic import BaseModel

from app.history import service as history
from app.inventory import record_service, search
from app.inventory.deps import CuratorUser
from app.inventory.kinds import RecordKind
from app.inventory.records import revisions_or_404
from app.inventory.schemas import FieldChangeRead, RevisionRead, VerifyBody
from app.kit.openapi import error_responses
from app.kit.routing import APIRouter
from app.kit.schemas import ObjectId, Offset, QueryId
from app.kit.unit_of_work import SessionDep


def add_record_api(router: APIRouter, kind: RecordKind) -> None:
    """Add the kind's routes to `router` (mounted under /api/v1)."""
    rules = kind.rules
    RecordId = Annotated[int, kind.id_in_path()]
    Filters = Annotated[dict[str, list[str]], Depends(kind.filters)]
    # The request bodies' models: mypy cannot check a model chosen at run time (`valid-type`).
    Create = kind.create_schema
    Update = kind.update_schema
    many, one = f"/{kind.plural}", f"/{kind.plural}/{{{kind.id_param}}}"
    name = kind.entity_type

    @router.get(many, response_model=kind.page_schema, name=f"list_{kind.plural}")
    def list_records(filters: Filters, db: SessionDep,
                     q: Annotated[str | None, Query(max_length=200)] = None,
                     sort: Annotated[str | None, Query(description="relevance, name, verified")]
                     = None,
                     limit: Annotated[int, Query(ge=1, le=200)] = 20,
                     offset: Offset = 0) -> Any:
        """Search and filter; `facets` counts each value over the other filters' results."""
        result = search.search(db, entity=name, q=q, filters=filters, sort=sort, limit=limit,
                               offset=offset)
        return {**result.__dict__,
                "items": [record_service.read(rules, r) for r in result.items]}

    @router.post(many, response_model=kind.read_schema, status_code=201,
                 responses=error_responses(409), name=f"create_{name}")
    def create_record(body: Create, user: CuratorUser,  # type: ignore[valid-type]
                      db: SessionDep) -> Any:
        return record_service.read(rules, record_service.create(db, rules, data=body,
                                                                actor=user))

    @router.get(one, response_model=kind.read_schema, name=f"get_{name}")
    def get_record(record_id: RecordId, db: SessionDep) -> Any:
        return record_service.read(rules, record_service.get(db, rules, record_id=record_id))

    @router.patch(one, response_model=kind.read_schema, responses=error_responses(409),
                  name=f"update_{name}")
    def update_record(record_id: RecordId, body: Update,  # type: ignore[valid-type]
                      user: CuratorUser, db: SessionDep) -> Any:
        record = record_service.get(db, rules, record_id=record_id, for_update=True)
        record_service.update(db, rules, record=record, actor=user,
                              changes=cast(BaseModel, body).model_dump(exclude_unset=True))
        return record_service.read(rules, record)

    @router.delete(one, status_code=204, name=f"delete_{name}")
    def delete_record(record_id: RecordId, user: CuratorUser, db: SessionDep) -> None:
        record = record_service.get(db, rules, record_id=record_id, for_update=True)
        kind.delete(db, record, user)

    @router.post(f"{one}/verify", response_model=kind.read_schema, name=f"verify_{name}")
    def verify_record(record_id: RecordId, user: CuratorUser, db: SessionDep,
                      body: Annotated[VerifyBody | None, Body()] = None) -> Any:
        """Mark the record checked against its sources now (a revision)."""
        record = record_service.get(db, rules, record_id=record_id, for_update=True)
        record_service.verify(db, rules, record=record, actor=user,
                              note=body.note if body else None)
        return record_service.read(rules, record)

    @router.get(f"{one}/revisions", response_model=list[RevisionRead], name="list_revisions",
                description=f"Every revision, newest first (also of a deleted {name}).")
    def list_revisions(record_id: RecordId, db: SessionDep) -> Any:
        return revisions_or_404(db, entity_type=name, entity_id=record_id)

    @router.get(f"{one}/revisions/compare", response_model=list[FieldChangeRead],
                name="compare_revisions")
    def compare_revisions(record_id: RecordId, older: QueryId, newer: QueryId,
                          db: SessionDep) -> Any:
        return history.compare(db, entity_type=name, entity_id=record_id, older=older,
                               newer=newer)

    @router.post(f"{one}/revisions/{{number}}/restore", response_model=kind.read_schema,
                 name="restore_revision")
    def restore_revision(record_id: RecordId, number: ObjectId, user: CuratorUser,
                         db: SessionDep) -> Any:
        """Make an old revision current again (recorded as a new revision)."""
        return record_service.read(rules, record_service.restore(
            db, rules, record_id=record_id, number=number, actor=user))
