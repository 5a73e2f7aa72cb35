"""JSON API for technologies. Reads are public; writes need a curator or admin."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Body, Query, Response

from app.history import service as history
from app.inventory import search
from app.inventory import technologies as service
from app.inventory.deps import CuratorUser, TechnologyFilters
from app.inventory.records import TECHNOLOGY, revisions_or_404
from app.inventory.schemas import (
    FieldChangeRead,
    RevisionRead,
    TechnologyCreate,
    TechnologyPage,
    TechnologyRead,
    TechnologyUpdate,
    VerifyBody,
)
from app.kit.openapi import error_responses
from app.kit.routing import APIRouter
from app.kit.schemas import ObjectId, Offset, QueryId
from app.kit.unit_of_work import SessionDep

router = APIRouter(prefix="/api/v1", tags=["inventory"])


@router.get("/technologies", response_model=TechnologyPage)
def list_technologies(filters: TechnologyFilters,
                      db: SessionDep, q: Annotated[str | None, Query(max_length=200)] = None,
                      sort: Annotated[str | None,
                                      Query(description="relevance, name, verified")] = None,
                      limit: Annotated[int, Query(ge=1, le=200)] = 20,
                      offset: Offset = 0) -> Any:
    """Search and filter; `facets` counts each value over the other filters' results."""
    result = search.search(db, entity="technology", q=q, filters=filters, sort=sort,
                           limit=limit, offset=offset)
    return {**result.__dict__, "items": [service.technology_read(t) for t in result.items]}


@router.post("/technologies", response_model=TechnologyRead, status_code=201,
             responses=error_responses(409))
def create_technology(body: TechnologyCreate, user: CuratorUser,
                      db: SessionDep) -> Any:
    return service.technology_read(service.create_technology(db, data=body, actor=user))


@router.get("/technologies/{technology_id}", response_model=TechnologyRead)
def get_technology(technology_id: ObjectId, db: SessionDep) -> Any:
    return service.technology_read(service.get_technology(db, technology_id=technology_id))


@router.patch("/technologies/{technology_id}", response_model=TechnologyRead,
              responses=error_responses(409))
def update_technology(technology_id: ObjectId, body: TechnologyUpdate, user: CuratorUser,
                      db: SessionDep) -> Any:
    technology = service.get_technology(db, technology_id=technology_id, for_update=True)
    service.update_technology(db, technology=technology,
                              changes=body.model_dump(exclude_unset=True), actor=user)
    return service.technology_read(technology)


@router.delete("/technologies/{technology_id}", status_code=204)
def delete_technology(technology_id: ObjectId, user: CuratorUser,
                      db: SessionDep) -> Response:
    technology = service.get_technology(db, technology_id=technology_id, for_update=True)
    service.delete_technology(db, technology=technology, actor=user)
    return Response(status_code=204)


@router.post("/technologies/{technology_id}/verify", response_model=TechnologyRead)
def verify_technology(technology_id: ObjectId, user: CuratorUser,
                      db: SessionDep, body: Annotated[VerifyBody | None, Body()] = None) -> Any:
    technology = service.get_technology(db, technology_id=technology_id, for_update=True)
    service.verify_technology(db, technology=technology, actor=user,
                              note=body.note if body else None)
    return service.technology_read(technology)


@router.get("/technologies/{technology_id}/revisions", response_model=list[RevisionRead])
def list_revisions(technology_id: ObjectId, db: SessionDep) -> Any:
    return revisions_or_404(db, entity_type=TECHNOLOGY, entity_id=technology_id)


@router.get("/technologies/{technology_id}/revisions/compare",
            response_model=list[FieldChangeRead])
def compare_revisions(technology_id: ObjectId, older: QueryId, newer: QueryId,
                      db: SessionDep) -> Any:
    return history.compare(db, entity_type=TECHNOLOGY, entity_id=technology_id, older=older,
                           newer=newer)


@router.post("/technologies/{technology_id}/revisions/{number}/restore",
             response_model=TechnologyRead)
def restore_revision(technology_id: ObjectId, number: ObjectId, user: CuratorUser,
                     db: SessionDep) -> Any:
    return service.technology_read(service.restore_technology(
        db, technology_id=technology_id, number=number, actor=user))
