"""JSON API for mechanisms (and their links) and technologies. Reads are public; writes need a
curator or admin. What both kinds have is written once, in `record_api.py`."""

from __future__ import annotations

from typing import Any

from app.inventory import mechanisms as service
from app.inventory.deps import CuratorUser
from app.inventory.kinds import MECHANISMS, TECHNOLOGIES
from app.inventory.record_api import add_record_api
from app.inventory.schemas import LinkCreate, LinkRead
from app.kit.openapi import error_responses
from app.kit.routing import APIRouter
from app.kit.schemas import ObjectId
from app.kit.unit_of_work import SessionDep

router = APIRouter(prefix="/api/v1", tags=["inventory"])

add_record_api(router, MECHANISMS)


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
                db: SessionDep) -> None:
    mechanism = service.get_mechanism(db, mechanism_id=mechanism_id, for_update=True)
    service.remove_link(db, mechanism=mechanism, link_id=link_id, actor=user)


add_record_api(router, TECHNOLOGIES)
