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


def _text_like(pattern: str, already: type, hint: str) -> BeforeValidator:
    """Take a value of type `already` as it is, else only a string that starts with `pattern`:
    what `format: date` / `date-time` promise, where lax pydantic would also take a number (or
    a string of digits) as Unix time (`"expires_at": 0` is 1970)."""
    compiled = re.compile(pattern)

    def check(value: Any) -> Any:
        if isinstance(value, already):
            return value
        if not isinstance(value, str) or not compiled.match(value):
            raise ValueError(hint)
        return value

    return BeforeValidator(check)


# RFC 3339 full-date, nothing after it ("20240101" is refused).
IsoDate = Annotated[dt.date, _text_like(r"\d{4}-\d{2}-\d{2}\Z", dt.date,
                                        "give a date as YYYY-MM-DD")]
IsoDateTime = Annotated[AwareDatetime, _text_like(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}", dt.datetime,
    "give a date-time as YYYY-MM-DDTHH:MM:SS with its offset (Z or +HH:MM)")]
"""A moment in a request body: an RFC 3339 string with its offset (a naive time is refused)."""
