"""JSON API of the coordination view (public reads)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import Query

from app.kit.routing import APIRouter
from app.kit.unit_of_work import SessionDep
from app.needs import coordination, gaps
from app.needs.schemas import (
    AmountRead,
    BudgetItemRead,
    BudgetsRead,
    CellRead,
    CellsRead,
    DistributionRead,
    MechanismBriefRead,
    OverlapList,
    OverlapRead,
)

router = APIRouter(prefix="/api/v1/coordination", tags=["coordination"])


@router.get("/overlaps", response_model=OverlapList)
def overlaps(db: SessionDep, threshold: Annotated[Decimal, Query(gt=0, le=1)] = Decimal("0.5"),
             limit: Annotated[int, Query(ge=1, le=500)] = 50,
             function_threshold: Annotated[Decimal, Query(ge=0, le=1)] = Decimal(0)) -> OverlapList:
    """Pairs of active mechanisms whose coverage similarity is at least `threshold`, most
    similar first (optionally also requiring a function similarity)."""
    rows = coordination.overlaps(db, threshold=threshold, limit=limit,
                                 function_threshold=function_threshold)
    return OverlapList(threshold=threshold, definition=coordination.OVERLAP_DEFINITION, items=[
        OverlapRead(a=MechanismBriefRead.model_validate(r.a),
                    b=MechanismBriefRead.model_validate(r.b),
                    coverage_similarity=gaps.as_decimal(r.coverage),
                    function_similarity=gaps.as_decimal(r.functions)) for r in rows])


@router.get("/cells", response_model=CellsRead)
def cells(db: SessionDep, group: Annotated[str | None, Query(max_length=20)] = None) -> CellsRead:
    """Sector × stage cells with open needs no mechanism covers, and cells nobody works in."""
    found = coordination.cells(db, group=group)
    return CellsRead(
        uncovered=[CellRead.model_validate(c, from_attributes=True) for c in found.uncovered],
        nobody_works=[CellRead.model_validate(c, from_attributes=True)
                      for c in found.nobody_works])


@router.get("/budgets", response_model=BudgetsRead)
def budgets(db: SessionDep, currency: Annotated[str | None, Query(max_length=3,
            examples=["USD"])] = None,
            rates: Annotated[str | None, Query(max_length=2000,
                                               examples=["EUR:1.08,GBP:1.27"])] = None
            ) -> BudgetsRead:
    """Recorded budgets of active mechanisms spread evenly over their sector × stage cells
    (exact integers, largest remainder). With `currency`, budgets in other currencies are
    converted at the `rates` given (1 unit of each = rate units of `currency`); those without a
    rate are listed as unconverted. Without `currency`, one distribution per currency."""
    view = coordination.budgets(db, currency=currency, rates=rates)

    def item(b: coordination.BudgetItem) -> BudgetItemRead:
        return BudgetItemRead(mechanism=MechanismBriefRead.model_validate(b.mechanism),
                              amount_minor=b.amount_minor, currency=b.currency)

    return BudgetsRead(
        currency=view.currency, rates=view.rates,
        distributions=[DistributionRead(
            currency=d.currency, total_minor=d.total_minor, mechanisms=len(d.mechanism_ids),
            by_sector=[AmountRead(key=k, amount_minor=v) for k, v in d.by_sector().items()],
            by_stage=[AmountRead(key=k, amount_minor=v) for k, v in d.by_stage().items()])
            for d in view.distributions],
        unconverted=[item(b) for b in view.unconverted],
        unallocated=[item(b) for b in view.unallocated])
