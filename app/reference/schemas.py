from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from app.kit.schemas import ReadModel


class CountryRead(ReadModel):
    alpha3: str
    alpha2: str | None
    numeric: str | None
    m49: str | None
    name_en: str
    name_fr: str | None
    name_es: str | None
    name_ru: str | None
    name_ar: str | None
    name_zh: str | None
    region_code: str | None
    subregion_code: str | None
    intermediate_region_code: str | None
    currency_code: str | None


class CountryDetail(CountryRead):
    groups: list[str]


class CountryGroupRead(ReadModel):
    code: str
    name_en: str
    name_zh: str | None
    kind: str
    m49: str | None
    parent_code: str | None


class MembershipRead(ReadModel):
    country_code: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    note: str | None


class CountryGroupDetail(CountryGroupRead):
    members: list[MembershipRead]


class CurrencyRead(BaseModel):
    code: str
    name: str
    numeric: str
    minor_unit: int


class SdgTargetRead(ReadModel):
    code: str
    goal_code: str
    title_en: str
    title_fr: str | None


class SdgGoalRead(ReadModel):
    code: str
    title_en: str
    title_fr: str | None


class SectorRead(BaseModel):
    code: str
    label: str
    tags: list[str]


class StageRead(BaseModel):
    code: str
    label: str
    trl_min: int
    trl_max: int
    description: str


class FunctionRead(BaseModel):
    code: str
    label: str
