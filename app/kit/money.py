"""Money as integer minor units plus an ISO 4217 code; never floats."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated

import pycountry
from iso4217 import Currency
from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator


@lru_cache(maxsize=1)
def currency_codes() -> frozenset[str]:
    """ISO 4217 codes (pycountry) that have a minor unit, i.e. that money can be counted in."""
    return frozenset(c.alpha_3 for c in pycountry.currencies
                     if _exponent_or_none(c.alpha_3) is not None)


def _exponent_or_none(code: str) -> int | None:
    try:
        exponent: int | None = Currency(code).exponent
    except ValueError:
        return None
    return exponent


def is_currency(code: str) -> bool:
    return code in currency_codes()


def minor_exponent(currency: str) -> int:
    """Digits after the decimal point in the currency (JPY 0, USD 2, KWD 3), from ISO 4217."""
    exponent = _exponent_or_none(currency)
    if exponent is None:
        raise ValueError(f"{currency!r} is not a currency with a minor unit")
    return exponent


def format_money(amount_minor: int, currency: str, *, summary: bool = False) -> str:
    """Integer minor units written exactly in the currency's own decimals, with thousands
    separators: 123456 USD -> 'USD 1,234.56', 123456 JPY -> 'JPY 123,456'. Never through a
    float. In a `summary` (a budget, a prize in a list) a whole amount drops its zero decimals
    ('EUR 9,550,000,000'); an amount with a fraction keeps it exactly, as a payment always does.
    """
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int):
        raise TypeError(f"money is counted in integer minor units, not {amount_minor!r}")
    exponent = minor_exponent(currency)
    sign = "-" if amount_minor < 0 else ""
    whole, frac = divmod(abs(amount_minor), 10**exponent)
    text = f"{whole:,}"
    if exponent and not (summary and frac == 0):
        text += f".{frac:0{exponent}d}"
    return f"{currency} {sign}{text}"


CurrencyCode = Annotated[str, Field(min_length=3, max_length=3, examples=["USD"])]


class Money(BaseModel):
    """An amount in the currency's minor units (cents for USD), strictly an integer."""

    model_config = ConfigDict(strict=True, frozen=True)

    amount_minor: StrictInt = Field(ge=0, le=10**15)
    currency: CurrencyCode

    @field_validator("currency")
    @classmethod
    def _known_currency(cls, value: str) -> str:
        if not is_currency(value):
            raise ValueError(f"{value!r} is not an ISO 4217 currency code")
        return value


def minor_units(text: str, currency: str) -> int:
    """`'1,250.50'` USD -> 125050: an amount a person typed in currency units, exactly; a
    ValueError (with a sentence for the person) when it is not one."""
    from decimal import Decimal, InvalidOperation

    try:
        value = Decimal(text.strip().replace(",", "").replace("_", ""))
    except InvalidOperation:
        raise ValueError("enter an amount such as 1000.00") from None
    if not value.is_finite() or value <= 0:
        raise ValueError("enter an amount such as 1000.00")
    scaled = value.scaleb(minor_exponent(currency))
    if scaled != scaled.to_integral_value():
        raise ValueError("too many decimal places for the currency")
    return int(scaled)
