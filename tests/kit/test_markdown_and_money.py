import pytest
from pydantic import ValidationError

from app.kit.markdown import render_markdown
from app.kit.money import Money, format_money


def test_markdown_drops_script_and_event_handlers() -> None:
    html = render_markdown('Hello **world** <script>alert(1)</script> [x](javascript:alert(1))')
    assert "<strong>world</strong>" in html
    assert "<script" not in html and "href=\"javascript" not in html


def test_money_is_strict_integer_minor_units() -> None:
    assert Money(amount_minor=1500, currency="USD").amount_minor == 1500
    for bad in (15.0, "1500", False):
        with pytest.raises(ValidationError):
            Money(amount_minor=bad, currency="USD")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        Money(amount_minor=-1, currency="USD")
    with pytest.raises(ValidationError):
        Money(amount_minor=1, currency="XXX")


def test_format_respects_currency_exponent() -> None:
    assert format_money(123456, "USD") == "USD 1,234.56"
    assert format_money(123456, "JPY") == "JPY 123,456"
    assert format_money(123456, "KWD") == "KWD 123.456"
