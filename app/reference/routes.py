"""Read-only reference data API."""

from __future__ import annotations

import pycountry
from fastapi import Query
from sqlalchemy import select

from app.kit.money import currency_codes, minor_exponent
from app.kit.openapi import error_responses
from app.kit.routing import APIRouter
from app.kit.schemas import IsoDate
from app.kit.unit_of_work import SessionDep
from app.reference import service
from app.reference.models import CountryGroupMembership
from app.reference.schemas import (
    CountryDetail,
    CountryGroupDetail,
    CountryGroupRead,
    CountryRead,
    CurrencyRead,
    FunctionRead,
    SdgGoalRead,
    SdgTargetRead,
    SectorRead,
    StageRead,
)
from app.reference.vocab import FUNCTION_LABELS, SECTORS, STAGES

router = APIRouter(prefix="/api/v1/reference", tags=["reference"])


@router.get("/countries", response_model=list[CountryRead], responses=error_responses(404))
def countries(db: SessionDep, group: str | None = Query(None, max_length=20,
              description="e.g. LDC, M49-002"),
              on: IsoDate | None = Query(None, description="membership on this date"),
              q: str | None = Query(None, max_length=100)) -> object:
    return service.list_countries(db, group=group, on=on, query=q)


@router.get("/countries/{code}", response_model=CountryDetail)
def country(code: str, db: SessionDep, on: IsoDate | None = None) -> object:
    found = service.get_country(db, code=code)
    return {**CountryRead.model_validate(found).model_dump(),
            "groups": sorted(service.groups_of(db, country=found.alpha3, on=on))}


@router.get("/country-groups", response_model=list[CountryGroupRead])
def country_groups(db: SessionDep) -> object:
    return service.list_groups(db)


@router.get("/country-groups/{code}", response_model=CountryGroupDetail)
def country_group(code: str, db: SessionDep) -> object:
    group = service.get_group(db, code=code)
    members = db.scalars(select(CountryGroupMembership).where(
        CountryGroupMembership.group_code == group.code)
        .order_by(CountryGroupMembership.country_code))
    return {**CountryGroupRead.model_validate(group).model_dump(),
            "members": [_membership(m) for m in members]}


def _membership(m: CountryGroupMembership) -> dict[str, object]:
    return {"country_code": m.country_code, "valid_from": m.valid_from, "valid_to": m.valid_to,
            "note": m.note}


@router.get("/currencies", response_model=list[CurrencyRead])
def currencies() -> list[CurrencyRead]:
    """ISO 4217 currencies that money can be counted in (from pycountry and iso4217)."""
    return [CurrencyRead(code=c.alpha_3, name=c.name, numeric=c.numeric,
                         minor_unit=minor_exponent(c.alpha_3))
            for c in sorted(pycountry.currencies, key=lambda c: c.alpha_3)
            if c.alpha_3 in currency_codes()]


@router.get("/sdg-goals", response_model=list[SdgGoalRead])
def sdg_goals(db: SessionDep) -> object:
    return service.list_sdg_goals(db)


@router.get("/sdg-targets", response_model=list[SdgTargetRead])
def sdg_targets(db: SessionDep, goal: str | None = Query(None, max_length=2)) -> object:
    return service.list_sdg_targets(db, goal=goal)


@router.get("/sectors", response_model=list[SectorRead])
def sectors() -> list[SectorRead]:
    return [SectorRead(code=s.code.value, label=s.label, tags=[t.value for t in s.tags])
            for s in SECTORS.values()]


@router.get("/stages", response_model=list[StageRead])
def stages() -> list[StageRead]:
    return [StageRead(code=s.code.value, label=s.label, trl_min=s.trl_min, trl_max=s.trl_max,
                      description=s.description) for s in STAGES.values()]


@router.get("/functions", response_model=list[FunctionRead])
def functions() -> list[FunctionRead]:
    return [FunctionRead(code=f.value, label=label) for f, label in FUNCTION_LABELS.items()]
