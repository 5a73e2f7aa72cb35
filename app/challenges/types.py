"""A column type for exact decimals on every backend (SQLite has no exact numeric type)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import String
from sqlalchemy.types import TypeDecorator


class DecimalText(TypeDecorator[Decimal]):
    """A Decimal kept as its exact text ("12.50" stays "12.50"); never a float in between."""

    impl = String(50)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, Decimal):
            raise TypeError(f"DecimalText takes Decimal values, not {type(value).__name__}")
        if not value.is_finite():
            raise ValueError("DecimalText takes finite values only")
        return format(value, "f")

    def process_result_value(self, value: str | None, dialect: Any) -> Decimal | None:
        return None if value is None else Decimal(value)
