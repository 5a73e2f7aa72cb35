"""HTML pages to find and read the inventory: lists with search and facets, record pages."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.deps import OptionalUser, csrf_protect
from app.history import service as history
from app.i18n.translate import N_, gettext, in_language
from app.inventory import graph, record_service, search
from app.inventory import mechanisms as mech_service
from app.inventory import technologies as tech_service
from app.inventory.kinds import KINDS, RecordKind
from app.inventory.labels import LINK_LABELS, facet_labels, facet_titles
from app.inventory.records import MECHANISM, TECHNOLOGY, is_curator
from app.kit.routing import APIRouter
from app.kit.schemas import ObjectId, Offset
from app.kit.templating import render
from app.kit.unit_of_work import SessionDep
from app.reference.models import Country, CountryGroup

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)

NAV = [("/inventory", N_("Inventory"), 10)]
PAGE_SIZE = 20


def place_names(db: Session, codes: list[str]) -> dict[str, str]:
    """Names of country and group codes, in Chinese too (UNTERM's) when the page is."""
    rows = list(db.execute(select(Country.alpha3, Country.name_en, Country.name_zh)
                           .where(Country.alpha3.in_(codes))).all())
    rows += db.execute(select(CountryGroup.code, CountryGroup.name_en, CountryGroup.name_zh)
                       .where(CountryGroup.code.in_(codes))).all()
    return {str(code): in_language(str(name), zh) for code, name, zh in rows}


def _list_page(request: Request, db: Session, *, kind: RecordKind,
               filters: dict[str, list[str]], q: str | None, sort: str | None,
               offset: int) -> Response:
    offset = max(0, offset)
    result = search.search(db, entity=kind.entity_type, q=q, filters=filters, sort=sort,
                           limit=PAGE_SIZE, offset=offset)
    labels = facet_labels(db, local=True)
    for name, values in result.facets.items():  # the facets' labels, in the page's language
        for value in values:
            value["label"] = labels.get(name, {}).get(value["value"], value["value"])
    params = [("q", q or "")] + [(k, v) for k, values in filters.items() for v in values]
    if sort:
        params.append(("sort", sort))
    return render(request, "inventory/list.html", {
        "entity": kind.entity_type,
        "items": [record_service.read(kind.rules, item) for item in result.items],
        "result": result, "q": q or "", "sort": result.sort, "chosen_sort": sort or "",
        "facet_titles": facet_titles(), "labels": labels,
        "base_query": urlencode(params), "filtered": any(filters.values()) or bool(q),
        "is_curator": is_curator(getattr(request.state, "user", None)),
    })


def _add_list_page(kind: RecordKind) -> None:
    """The kind's list: search, facets (the kind's own filters), sorting, pages."""

    @router.get(kind.list_page, response_class=HTMLResponse, name=f"{kind.entity_type}_list")
    def list_page(request: Request, user: OptionalUser, db: SessionDep, q: str | None = None,
                  sort: str | None = None, offset: Offset = 0,
                  filters: dict[str, list[str]] = Depends(kind.filters)) -> Response:
        return _list_page(request, db, kind=kind, filters=filters, q=q, sort=sort or None,
                          offset=offset)


for _kind in KINDS:
    _add_list_page(_kind)


def mechanism_graph(db: Session, mechanism_id: int) -> graph.GraphLayout:
    links = mech_service.graph_links(db, mechanism_id=mechanism_id)
    ids = {mechanism_id} | {link.source_id for link in links} | {link.target_id for link in links}
    names = mech_service.mechanism_names(db, ids)
    edges = [graph.GraphEdge(link.source_id, link.target_id, gettext(LINK_LABELS[link.link_type]))
             for link in links]
    return graph.layout(mechanism_id, names, edges)


@router.get("/inventory/mechanisms/{mechanism_id:int}", response_class=HTMLResponse)
def mechanism_page(mechanism_id: ObjectId, request: Request, user: OptionalUser,
                   db: SessionDep) -> Response:
    curator = is_curator(user)
    return render(request, "inventory/mechanism.html", {
        **detail_context(db, mechanism_id, link_choices=curator), "is_curator": curator,
        "link_form": {}, "errors": {}})


@router.get("/inventory/technologies/{technology_id:int}", response_class=HTMLResponse)
def technology_page(technology_id: ObjectId, request: Request, user: OptionalUser,
                    db: SessionDep) -> Response:
    technology = tech_service.get_technology(db, technology_id=technology_id)
    data = tech_service.technology_read(technology)
    return render(request, "inventory/technology.html", {
        "t": data, "labels": facet_labels(db, local=True),
        "places": place_names(db, data["countries_deployed"]),
        "mechanisms": tech_service.related_mechanisms(db, technology=technology),
        "revisions": history.count(db, entity_type=TECHNOLOGY, entity_id=technology_id),
        "is_curator": is_curator(user),
    })


def detail_context(db: Session, mechanism_id: int, *, link_choices: bool) -> dict[str, Any]:
    """What the mechanism page needs besides the request (used again to show form errors);
    every mechanism's name only for the form that links one (`link_choices`, curators)."""
    mechanism = mech_service.get_mechanism(db, mechanism_id=mechanism_id)
    data = mech_service.mechanism_read(mechanism)
    return {
        "m": data, "labels": facet_labels(db, local=True),
        "places": place_names(db, data["scope"]),
        "links": mech_service.list_links(db, mechanism_id=mechanism_id),
        "graph": mechanism_graph(db, mechanism_id),
        "technologies": mech_service.related_technologies(db, mechanism_id=mechanism_id),
        "revisions": history.count(db, entity_type=MECHANISM, entity_id=mechanism_id),
        "mechanisms": mech_service.mechanism_names(db) if link_choices else {},
    }
