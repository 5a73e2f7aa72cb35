"""Request and response models for needs, gaps and the coordination view."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from app.kit.schemas import IdValue, InputModel, Page, ReadModel
from app.needs.models import NeedStatus, Priority
from app.reference.vocab import MitigationAdaptation, Sector, Stage


class NeedCreate(InputModel):
    country_code: str = Field(min_length=3, max_length=3, examples=["NPL"])
    sector: Sector
    stage: Stage
    technology_id: IdValue | None = Field(None, description="a technology in the knowledge base")
    technology_name: str | None = Field(None, max_length=200,
                                        description="the technology as the source names it")
    mitigation_adaptation: MitigationAdaptation
    priority: Priority
    source_title: str | None = Field(None, max_length=300,
                                     examples=["Technology Needs Assessment 2019"])
    source_url: str | None = Field(None, max_length=500)
    status: NeedStatus = NeedStatus.OPEN
    notes: str | None = Field(None, max_length=20000)


class NeedUpdate(InputModel):
    """Only the fields sent are changed (null clears an optional field)."""

    country_code: str | None = Field(None, min_length=3, max_length=3)
    sector: Sector | None = None
    stage: Stage | None = None
    technology_id: IdValue | None = None
    technology_name: str | None = Field(None, max_length=200)
    mitigation_adaptation: MitigationAdaptation | None = None
    priority: Priority | None = None
    source_title: str | None = Field(None, max_length=300)
    source_url: str | None = Field(None, max_length=500)
    status: NeedStatus | None = None
    notes: str | None = Field(None, max_length=20000)


class NeedRead(ReadModel):
    id: int
    country_code: str
    sector: Sector
    stage: Stage
    technology_id: int | None
    technology_name: str | None
    mitigation_adaptation: MitigationAdaptation
    priority: Priority
    source_title: str | None
    source_url: str | None
    status: NeedStatus
    notes: str | None
    dataset: str | None = Field(description='"demo" marks demonstration data')
    created_at: dt.datetime
    updated_at: dt.datetime


class RevisionRead(ReadModel):
    number: int
    action: str
    snapshot: dict[str, Any]
    changed_fields: list[str]
    actor_id: int | None
    note: str | None
    created_at: dt.datetime


class ImportResult(BaseModel):
    created: int
    updated: int
    unchanged: int


class MechanismBriefRead(ReadModel):
    id: int
    name: str
    acronym: str | None


class GapRead(BaseModel):
    need: NeedRead
    score: Decimal = Field(description="gap score, rounded half-even to 4 places")
    covering_count: int
    covering: list[MechanismBriefRead]


class GapPage(Page[GapRead]):
    formula: str


class MatrixCellRead(BaseModel):
    sector: Sector
    stage: Stage
    needs: int
    uncovered: int
    score: Decimal


class MatrixRead(BaseModel):
    group: str | None
    status: str
    formula: str
    cells: list[MatrixCellRead]


class OverlapRead(BaseModel):
    a: MechanismBriefRead
    b: MechanismBriefRead
    coverage_similarity: Decimal
    function_similarity: Decimal


class OverlapList(BaseModel):
    threshold: Decimal
    definition: str
    items: list[OverlapRead]


class CellRead(BaseModel):
    sector: Sector
    stage: Stage
    needs: int
    uncovered: int


class CellsRead(BaseModel):
    """Where needs go uncovered, and where no active mechanism works at all."""

    uncovered: list[CellRead]
    nobody_works: list[CellRead]


class AmountRead(BaseModel):
    key: str
    amount_minor: int


class DistributionRead(BaseModel):
    currency: str
    total_minor: int
    mechanisms: int
    by_sector: list[AmountRead]
    by_stage: list[AmountRead]


class BudgetItemRead(BaseModel):
    mechanism: MechanismBriefRead
    amount_minor: int
    currency: str


class BudgetsRead(BaseModel):
    currency: str | None
    rates: dict[str, Decimal]
    distributions: list[DistributionRead]
    unconverted: list[BudgetItemRead] = Field(
        description="budgets in a currency for which no rate was supplied")
    unallocated: list[BudgetItemRead] = Field(
        description="budgets of mechanisms with no sector or no stage to spread over")
