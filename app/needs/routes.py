"""JSON API for needs and gaps. Reads are public; changes need the curator or admin role."""

from __future__ import annotations

from typing import Annotated

from fastapi import Body, Depends, Query, Response

from app.accounts.deps import require_role
from app.accounts.models import Role, User
from app.kit import body_limit
from app.kit.routing import APIRouter
from app.kit.schemas import ObjectId, Offset, Page
from app.kit.unit_of_work import SessionDep
from app.needs import coverage, gaps, service, transfer
from app.needs.coverage import GapFilters, StatusFilter
from app.needs.schemas import (
    GapPage,
    GapRead,
    ImportResult,
    MatrixCellRead,
    MatrixRead,
    MechanismBriefRead,
    NeedCreate,
    NeedRead,
    NeedUpdate,
    RevisionRead,
)
from app.reference.vocab import Sector, Stage

router = APIRouter(prefix="/api/v1", tags=["needs"])
Curator = Annotated[User, Depends(require_role(Role.CURATOR, Role.ADMIN))]
CountryQ = Annotated[str | None, Query(max_length=3, description="ISO 3166-1 alpha-3")]
GroupQ = Annotated[str | None, Query(max_length=20, description="e.g. LDC, SIDS, M49-002")]
LimitQ = Annotated[int, Query(ge=1, le=200)]
OffsetQ = Offset


@router.get("/needs", response_model=Page[NeedRead])
def list_needs(db: SessionDep, country: CountryQ = None, group: GroupQ = None,
               sector: Sector | None = None,
               stage: Stage | None = None, status: StatusFilter = "all", limit: LimitQ = 50,
               offset: OffsetQ = 0) -> object:
    """Needs by country, then id; `dataset` "demo" marks demonstration data."""
    filters = GapFilters(country=country, group=group, sector=sector, stage=stage, status=status)
    items, total = service.list_needs(db, filters=filters, limit=limit, offset=offset)
    return {"items": items, "total": total, "limit": limit, "offset": offset}


@router.post("/needs", response_model=NeedRead, status_code=201)
def create_need(data: NeedCreate, user: Curator, db: SessionDep) -> object:
    return service.create(db, data=data, actor=user)


@router.get("/needs/export", response_class=Response,
            responses={200: {"content": {"text/csv": {}}}})
def export_needs(db: SessionDep) -> Response:
    """Every need as CSV (the import's format; importing it again changes nothing)."""
    return Response(transfer.export_csv(db), media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": 'attachment; filename="needs.csv"'})


@router.post("/needs/import", response_model=ImportResult)
@body_limit.larger_body(transfer.MAX_BYTES)
def import_needs(user: Curator, db: SessionDep, data: bytes = Body(...,
                 media_type="text/csv")) -> ImportResult:
    """Create (no id) or update (with id) needs from CSV; if any row is bad nothing is written
    and each bad row is named by its line number."""
    return transfer.import_csv(db, data=data, actor=user)


@router.get("/needs/{need_id:int}", response_model=NeedRead)
def get_need(need_id: ObjectId, db: SessionDep) -> object:
    return service.get(db, need_id=need_id)


@router.patch("/needs/{need_id:int}", response_model=NeedRead)
def update_need(need_id: ObjectId, data: NeedUpdate, user: Curator,
                db: SessionDep) -> object:
    need = service.get(db, need_id=need_id, for_update=True)
    return service.update(db, need=need, data=data, actor=user)


@router.delete("/needs/{need_id:int}", status_code=204)
def delete_need(need_id: ObjectId, user: Curator, db: SessionDep) -> None:
    service.delete(db, need=service.get(db, need_id=need_id, for_update=True), actor=user)


@router.get("/needs/{need_id:int}/revisions", response_model=list[RevisionRead])
def need_revisions(need_id: ObjectId, db: SessionDep) -> object:
    """Newest first, each a full snapshot with the fields it changed."""
    return service.revisions(db, need_id=need_id)


@router.get("/gaps", response_model=GapPage)
def list_gaps(db: SessionDep, country: CountryQ = None, group: GroupQ = None,
              sector: Sector | None = None,
              stage: Stage | None = None, status: StatusFilter = "open",
              uncovered: bool = Query(False, description="only needs no mechanism covers"),
              limit: LimitQ = 50, offset: OffsetQ = 0) -> GapPage:
    """Needs ranked by gap score (highest first), each with the active mechanisms covering it."""
    filters = GapFilters(country=country, group=group, sector=sector, stage=stage,
                         status=status, uncovered_only=uncovered)
    analysis = coverage.analyse(db, filters)
    page = coverage.gap_page(db, analysis, offset=offset, limit=limit)
    names = coverage.briefs(db, [i for g in page for i in g.covering])
    items = [GapRead(need=NeedRead.model_validate(g.need), score=gaps.as_decimal(g.group.score),
                     covering_count=len(g.covering),
                     covering=[MechanismBriefRead.model_validate(names[i])
                               for i in sorted(g.covering, key=lambda i: names[i].name)])
             for g in page]
    return GapPage(items=items, total=analysis.total, limit=limit, offset=offset,
                   formula=gaps.FORMULA)


@router.get("/gaps/matrix", response_model=MatrixRead)
def gap_matrix(db: SessionDep, group: GroupQ = None, country: CountryQ = None,
               status: StatusFilter = "open") -> MatrixRead:
    """Sector × stage: number of needs, how many no mechanism covers, summed gap score."""
    analysis = coverage.analyse(db, GapFilters(group=group, country=country, status=status))
    cells = [MatrixCellRead(sector=Sector(c.sector), stage=Stage(c.stage), needs=c.needs,
                            uncovered=c.uncovered, score=gaps.as_decimal(c.score))
             for c in analysis.matrix().values()]
    return MatrixRead(group=analysis.filters.group, status=status, formula=gaps.FORMULA,
                      cells=cells)
