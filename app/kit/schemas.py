"""Base classes for request and response models."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Path, Query
from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    field_validator,
)

from app.kit.nul import PROBLEM as NUL_PROBLEM
from app.kit.nul import contains_nul

T = TypeVar("T")


class InputModel(BaseModel):
    """Request bodies: unknown fields are refused, so nobody can set what a form does not offer;
    no text may hold U+0000 (see `app.kit.nul`)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul_character(cls, value: Any) -> Any:
        if contains_nul(value):
            raise ValueError(NUL_PROBLEM)
        return value


class ReadModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Page(BaseModel, Generic[T]):
    """One page of a list with the total number of matches."""

    items: list[T]
    total: int
    limit: int
    offset: int


# Ids and offsets beyond the database's integer range would fail inside the driver (a 500);
# the API refuses them as 422 instead. Every id column is an INTEGER on PostgreSQL.
MAX_DB_INT = 2**31 - 1
Limit = Annotated[int, Query(ge=1, le=200, description="at most 200")]
Offset = Annotated[int, Query(ge=0, le=MAX_DB_INT)]
ObjectId = Annotated[int, Path(ge=1, le=MAX_DB_INT)]
QueryId = Annotated[int, Query(ge=1, le=MAX_DB_INT)]
IdValue = Annotated[StrictInt, Field(ge=1, le=MAX_DB_INT)]  # an id inside a request body


_FULL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _full_date(value: Any) -> Any:
    """Only an RFC 3339 full-date (what `format: date` promises); not a number or '20240101'."""
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not _FULL_DATE.fullmatch(value):
        raise ValueError("give a date as YYYY-MM-DD")
    return dt.date.fromisoformat(value)


IsoDate = Annotated[dt.date, BeforeValidator(_full_date)]


# RFC 3339 date-time: a full date, "T" (or a space), then the time. Lax pydantic would also take
# a number, or a string of digits, as Unix time (`"expires_at": 0` is 1970).
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")


def _date_time_text(value: Any) -> Any:
    """Only an RFC 3339 date-time (what `format: date-time` promises); not a Unix timestamp."""
    if isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or not _DATE_TIME.match(value):
        raise ValueError("give a date-time as YYYY-MM-DDTHH:MM:SS with its offset (Z or +HH:MM)")
    return value


IsoDateTime = Annotated[AwareDatetime, BeforeValidator(_date_time_text)]
"""A moment in a request body: an RFC 3339 string with its offset (a naive time is refused)."""
