"""JSON API for mechanisms and their links. Reads are public; writes need a curator or admin."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Body, Query, Response

from app.history import service as history
from app.inventory import mechanisms as service
from app.inventory import search
from app.inventory.deps import CuratorUser, MechanismFilters
from app.inventory.records import MECHANISM, revisions_or_404
from app.inventory.schemas import (
    FieldChangeRead,
    LinkCreate,
    LinkRead,
    MechanismCreate,
    MechanismPage,
    MechanismRead,
    MechanismUpdate,
    RevisionRead,
    VerifyBody,
)
from app.kit.openapi import error_responses
from app.kit.routing import APIRouter
from app.kit.schemas import ObjectId, Offset, QueryId
from app.kit.unit_of_work import SessionDep

router = APIRouter(prefix="/api/v1", tags=["inventory"])


@router.get("/mechanisms", response_model=MechanismPage)
def list_mechanisms(filters: MechanismFilters,
                    db: SessionDep, q: Annotated[str | None, Query(max_length=200)] = None,
                    sort: Annotated[str | None, Query(description="relevance, name, verified")]
                    = None,
                    limit: Annotated[int, Query(ge=1, le=200)] = 20,
                    offset: Offset = 0) -> Any:
    """Search and filter; `facets` counts each value over the other filters' results."""
    result = search.search(db, entity="mechanism", q=q, filters=filters, sort=sort, limit=limit,
                           offset=offset)
    return {**result.__dict__, "items": [service.mechanism_read(m) for m in result.items]}


@router.post("/mechanisms", response_model=MechanismRead, status_code=201,
             responses=error_responses(409))
def create_mechanism(body: MechanismCreate, user: CuratorUser,
                     db: SessionDep) -> Any:
    return service.mechanism_read(service.create_mechanism(db, data=body, actor=user))


@router.get("/mechanisms/{mechanism_id}", response_model=MechanismRead)
def get_mechanism(mechanism_id: ObjectId, db: SessionDep) -> Any:
    return service.mechanism_read(service.get_mechanism(db, mechanism_id=mechanism_id))


@router.patch("/mechanisms/{mechanism_id}", response_model=MechanismRead,
              responses=error_responses(409))
def update_mechanism(mechanism_id: ObjectId, body: MechanismUpdate, user: CuratorUser,
                     db: SessionDep) -> Any:
    mechanism = service.get_mechanism(db, mechanism_id=mechanism_id, for_update=True)
    service.update_mechanism(db, mechanism=mechanism, changes=body.model_dump(exclude_unset=True),
                             actor=user)
    return service.mechanism_read(mechanism)


@router.delete("/mechanisms/{mechanism_id}", status_code=204)
def delete_mechanism(mechanism_id: ObjectId, user: CuratorUser,
                     db: SessionDep) -> Response:
    mechanism = service.get_mechanism(db, mechanism_id=mechanism_id, for_update=True)
    service.delete_mechanism(db, mechanism=mechanism, actor=user)
    return Response(status_code=204)


@router.post("/mechanisms/{mechanism_id}/verify", response_model=MechanismRead)
def verify_mechanism(mechanism_id: ObjectId, user: CuratorUser,
                     db: SessionDep, body: Annotated[VerifyBody | None, Body()] = None) -> Any:
    """Mark the record checked against its sources now (a revision)."""
    mechanism = service.get_mechanism(db, mechanism_id=mechanism_id, for_update=True)
    service.verify_mechanism(db, mechanism=mechanism, actor=user, note=body.note if body else None)
    return service.mechanism_read(mechanism)


@router.get("/mechanisms/{mechanism_id}/links", response_model=list[LinkRead])
def list_links(mechanism_id: ObjectId, db: SessionDep) -> Any:
    """Links from the mechanism (outgoing first) and to it."""
    service.get_mechanism(db, mechanism_id=mechanism_id)
    return service.list_links(db, mechanism_id=mechanism_id)


@router.post("/mechanisms/{mechanism_id}/links", response_model=LinkRead, status_code=201,
             responses=error_responses(409))
def add_link(mechanism_id: ObjectId, body: LinkCreate, user: CuratorUser,
             db: SessionDep) -> Any:
    mechanism = service.get_mechanism(db, mechanism_id=mechanism_id, for_update=True)
    link = service.add_link(db, mechanism=mechanism, target_id=body.target_id,
                            link_type=body.type, note=body.note, actor=user)
    return next(d for d in service.list_links(db, mechanism_id=mechanism_id)
                if d["id"] == link.id)


@router.delete("/mechanisms/{mechanism_id}/links/{link_id}", status_code=204)
def remove_link(mechanism_id: ObjectId, link_id: ObjectId, user: CuratorUser,
                db: SessionDep) -> Response:
    mechanism = service.get_mechanism(db, mechanism_id=mechanism_id, for_update=True)
    service.remove_link(db, mechanism=mechanism, link_id=link_id, actor=user)
    return Response(status_code=204)


@router.get("/mechanisms/{mechanism_id}/revisions", response_model=list[RevisionRead])
def list_revisions(mechanism_id: ObjectId, db: SessionDep) -> Any:
    """Every revision, newest first (also of a deleted mechanism)."""
    return revisions_or_404(db, entity_type=MECHANISM, entity_id=mechanism_id)


@router.get("/mechanisms/{mechanism_id}/revisions/compare",
            response_model=list[FieldChangeRead])
def compare_revisions(mechanism_id: ObjectId, older: QueryId, newer: QueryId,
                      db: SessionDep) -> Any:
    return history.compare(db, entity_type=MECHANISM, entity_id=mechanism_id, older=older,
                           newer=newer)


@router.post("/mechanisms/{mechanism_id}/revisions/{number}/restore",
             response_model=MechanismRead)
def restore_revision(mechanism_id: ObjectId, number: ObjectId, user: CuratorUser,
                     db: SessionDep) -> Any:
    """Make an old revision current again (recorded as a new revision)."""
    return service.mechanism_read(service.restore_mechanism(
        db, mechanism_id=mechanism_id, number=number, actor=user))
