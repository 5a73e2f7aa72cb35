"""Request and response models of the inventory: mechanisms, links, technologies, suggestions."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import BeforeValidator, Field, StrictInt, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from app.i18n.translate import N_
from app.inventory.models import (
    Availability,
    LinkType,
    MechanismKind,
    MechanismStatus,
    SuggestionStatus,
)
from app.kit.money import is_currency
from app.kit.schemas import IdValue, InputModel, ReadModel
from app.reference.vocab import STAGES, Function, MitigationAdaptation, Sector, Stage

EntityType = Literal["mechanism", "technology"]


def vocab_list(values: Any, vocab: type[enum.StrEnum]) -> list[str]:
    """A list of codes from `vocab`, de-duplicated and sorted; one message for all bad values."""
    if not isinstance(values, list | tuple):
        raise PydanticCustomError("list_type", N_("Input should be a list"))
    allowed = sorted(m.value for m in vocab)
    unknown = [str(v) for v in values if not isinstance(v, str) or v not in allowed]
    if unknown:
        raise PydanticCustomError(
            "unknown_value", "unknown value(s): {unknown}; allowed: {allowed}",
            {"unknown": ", ".join(unknown), "allowed": ", ".join(allowed)})
    return sorted(set(values))


def _codes_from(vocab: type[enum.StrEnum]) -> BeforeValidator:
    return BeforeValidator(lambda values: vocab_list(values, vocab))


# Lists of codes, however sent (any order, repeated): unique, sorted, all from the vocabulary.
Functions = Annotated[list[Function], _codes_from(Function)]
Sectors = Annotated[list[Sector], _codes_from(Sector)]
Stages = Annotated[list[Stage], _codes_from(Stage)]


def text_list(values: Any, *, max_length: int, urls: bool = False) -> list[str]:
    """Free-text entries (hosts, sources, links): stripped, blanks dropped, unique, sorted."""
    if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
        raise PydanticCustomError("list_type", N_("Input should be a list of strings"))
    cleaned = sorted({v.strip() for v in values if v.strip()})
    too_long = [v for v in cleaned if len(v) > max_length]
    if too_long:
        raise PydanticCustomError("too_long", "entries may have at most {n} characters",
                                  {"n": max_length})
    if urls:
        bad = [v for v in cleaned if not is_web_url(v)]
        if bad:
            raise PydanticCustomError("url", "not an http(s) address: {bad}",
                                      {"bad": ", ".join(bad)})
    return cleaned


def is_web_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in value


def _optional_url(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    if not is_web_url(value.strip()):
        raise PydanticCustomError("url", N_("enter an address starting with http:// or https://"))
    return value.strip()


def _blank_to_none(value: str | None) -> str | None:
    return value.strip() or None if isinstance(value, str) else value


class Budget(InputModel):
    """An annual budget in the currency's minor units (cents for USD), for one year."""

    amount_minor: StrictInt = Field(ge=0, le=10**15)
    currency: str = Field(min_length=3, max_length=3, examples=["USD"])
    year: StrictInt = Field(ge=1900, le=2100)
    note: str | None = Field(default=None, max_length=1000)

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        if not is_currency(value):
            raise PydanticCustomError("currency", "{value!r} is not an ISO 4217 currency code",
                                      {"value": value})
        return value


class MechanismFields(InputModel):
    """Everything a mechanism record holds (its links are kept separately)."""

    name: str = Field(min_length=2, max_length=200)
    acronym: str | None = Field(default=None, max_length=40)
    kind: MechanismKind
    hosts: list[str] = Field(default_factory=list, description="host organisations")
    description: str = Field(default="", max_length=20000, description="Markdown")
    functions: Functions = Field(default_factory=list)
    sectors: Sectors = Field(default_factory=list)
    stages: Stages = Field(default_factory=list)
    scope: list[str] = Field(default_factory=list,
                             description="country group codes (WORLD, LDC, M49-002) or "
                                         "ISO 3166-1 alpha-3 country codes")
    website: str | None = Field(default=None, max_length=500)
    founded_year: StrictInt | None = Field(default=None, ge=1800, le=2100)
    status: MechanismStatus | None = Field(default=MechanismStatus.ACTIVE,
                                           description="null when not known")
    budget: Budget | None = None
    sources: list[str] = Field(default_factory=list, description="URLs or citations")

    @field_validator("acronym")
    @classmethod
    def _acronym(cls, value: str | None) -> str | None:
        return _blank_to_none(value)

    @field_validator("website")
    @classmethod
    def _website(cls, value: str | None) -> str | None:
        return _optional_url(value)

    @field_validator("hosts", mode="before")
    @classmethod
    def _hosts(cls, value: Any) -> list[str]:
        return text_list(value, max_length=200)

    @field_validator("sources", mode="before")
    @classmethod
    def _sources(cls, value: Any) -> list[str]:
        return text_list(value, max_length=1000)

    @field_validator("scope", mode="before")
    @classmethod
    def _scope(cls, value: Any) -> list[str]:
        codes = text_list(value, max_length=20)
        return sorted({c.upper() for c in codes})


class MechanismCreate(MechanismFields):
    pass


class MechanismUpdate(InputModel):
    """A partial change: only the fields sent are changed (then the whole record is checked)."""

    name: str | None = Field(default=None, min_length=2, max_length=200)
    acronym: str | None = Field(default=None, max_length=40)
    kind: MechanismKind | None = None
    hosts: list[str] | None = None
    description: str | None = Field(default=None, max_length=20000)
    functions: list[str] | None = None
    sectors: list[str] | None = None
    stages: list[str] | None = None
    scope: list[str] | None = None
    website: str | None = Field(default=None, max_length=500)
    founded_year: StrictInt | None = Field(default=None, ge=1800, le=2100)
    status: MechanismStatus | None = None
    budget: Budget | None = None
    sources: list[str] | None = None


class TechnologyFields(InputModel):
    name: str = Field(min_length=2, max_length=200)
    summary: str = Field(default="", max_length=500)
    description: str = Field(default="", max_length=20000, description="Markdown")
    sectors: Sectors = Field(default_factory=list)
    stage: Stage
    trl: StrictInt | None = Field(default=None, ge=1, le=9, validate_default=True,
                                  description="Technology Readiness Level, in the stage's range")
    mitigation_adaptation: MitigationAdaptation | None = None
    availability: Availability
    licence_id: str | None = Field(default=None, max_length=100, validate_default=True,
                                   description="SPDX id; required for open_licence")
    provider: str | None = Field(default=None, max_length=200)
    countries_deployed: list[str] = Field(default_factory=list, description="ISO alpha-3")
    related_mechanism_ids: list[IdValue] = Field(default_factory=list)
    links: list[str] = Field(default_factory=list, description="http(s) addresses")

    @field_validator("trl")
    @classmethod
    def _trl_in_stage(cls, value: int | None, info: ValidationInfo) -> int | None:
        stage = info.data.get("stage")
        if value is not None and stage is not None:
            low, high = STAGES[stage].trl_min, STAGES[stage].trl_max
            if not low <= value <= high:
                raise PydanticCustomError(
                    "trl_stage", "TRL {trl} is outside the {stage} stage (TRL {low}–{high})",
                    {"trl": value, "stage": stage.value, "low": low, "high": high})
        return value

    @field_validator("licence_id")
    @classmethod
    def _licence(cls, value: str | None, info: ValidationInfo) -> str | None:
        value = _blank_to_none(value)
        if value is None and info.data.get("availability") == Availability.OPEN_LICENCE:
            raise PydanticCustomError("licence_required",
                                      N_("an openly licensed technology needs its licence id"))
        return value

    @field_validator("provider")
    @classmethod
    def _provider(cls, value: str | None) -> str | None:
        return _blank_to_none(value)

    @field_validator("countries_deployed", mode="before")
    @classmethod
    def _countries(cls, value: Any) -> list[str]:
        return sorted({c.upper() for c in text_list(value, max_length=3)})

    @field_validator("related_mechanism_ids")
    @classmethod
    def _related(cls, value: list[int]) -> list[int]:
        return sorted(set(value))

    @field_validator("links", mode="before")
    @classmethod
    def _links(cls, value: Any) -> list[str]:
        return text_list(value, max_length=500, urls=True)


class TechnologyCreate(TechnologyFields):
    pass


class TechnologyUpdate(InputModel):
    name: str | None = Field(default=None, min_length=2, max_length=200)
    summary: str | None = Field(default=None, max_length=500)
    description: str | None = Field(default=None, max_length=20000)
    sectors: list[str] | None = None
    stage: Stage | None = None
    trl: StrictInt | None = Field(default=None, ge=1, le=9)
    mitigation_adaptation: MitigationAdaptation | None = None
    availability: Availability | None = None
    licence_id: str | None = Field(default=None, max_length=100)
    provider: str | None = Field(default=None, max_length=200)
    countries_deployed: list[str] | None = None
    related_mechanism_ids: list[IdValue] | None = None
    links: list[str] | None = None


class LinkCreate(InputModel):
    target_id: IdValue
    type: LinkType
    note: str | None = Field(default=None, max_length=1000)


class LinkRead(ReadModel):
    id: int
    source_id: int
    source_name: str
    target_id: int
    target_name: str
    type: LinkType
    note: str | None


class BudgetRead(ReadModel):
    amount_minor: int
    currency: str
    year: int
    note: str | None


class MechanismRead(ReadModel):
    id: int
    name: str
    acronym: str | None
    kind: MechanismKind
    hosts: list[str]
    description: str
    functions: list[Function]
    sectors: list[Sector]
    stages: list[Stage]
    scope: list[str]
    website: str | None
    founded_year: int | None
    status: MechanismStatus | None
    budget: BudgetRead | None
    sources: list[str]
    last_verified_at: dt.datetime | None
    stale: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class TechnologyRead(ReadModel):
    id: int
    name: str
    summary: str
    description: str
    sectors: list[Sector]
    stage: Stage
    trl: int | None
    mitigation_adaptation: MitigationAdaptation | None
    availability: Availability
    licence_id: str | None
    provider: str | None
    countries_deployed: list[str]
    related_mechanism_ids: list[int]
    links: list[str]
    last_verified_at: dt.datetime | None
    stale: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class FacetValue(ReadModel):
    value: str
    label: str
    count: int
    selected: bool


class MechanismPage(ReadModel):
    items: list[MechanismRead]
    total: int
    limit: int
    offset: int
    sort: str
    facets: dict[str, list[FacetValue]]


class TechnologyPage(ReadModel):
    items: list[TechnologyRead]
    total: int
    limit: int
    offset: int
    sort: str
    facets: dict[str, list[FacetValue]]


class VerifyBody(InputModel):
    note: str | None = Field(default=None, max_length=1000)


class FieldChangeRead(ReadModel):
    field: str
    before: Any
    after: Any


class RevisionRead(ReadModel):
    number: int
    action: str
    changed_fields: list[str]
    actor_id: int | None
    note: str | None
    created_at: dt.datetime
    snapshot: dict[str, Any]


class SuggestionCreate(InputModel):
    entity_type: EntityType
    entity_id: IdValue | None = Field(default=None, description="omit to propose a new record")
    payload: dict[str, Any] = Field(description="the fields to change (or the whole new record)")
    comment: str | None = Field(default=None, max_length=2000)


class RejectBody(InputModel):
    reason: str = Field(min_length=1, max_length=2000)


class SuggestionRead(ReadModel):
    id: int
    entity_type: str
    entity_id: int | None
    entity_name: str | None
    payload: dict[str, Any]
    comment: str | None
    status: SuggestionStatus
    base_revision: int | None
    author_id: int | None
    decided_by_id: int | None
    decision_reason: str | None
    decided_at: dt.datetime | None
    created_at: dt.datetime
    changes: list[FieldChangeRead]
    hidden: bool = Field(False, description="hidden by moderators (`payload`, `comment` and "
                         "`changes` are then empty)")
