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


@pytest.mark.parametrize(("minor", "currency", "summary", "text"), [
    (955000000000, "EUR", True, "EUR 9,550,000,000"),       # a whole budget: no ".00"
    (955000000000, "EUR", False, "EUR 9,550,000,000.00"),   # a payment: exact cents always
    (955000000001, "EUR", True, "EUR 9,550,000,000.01"),    # a fraction is never hidden
    (9550000000000, "EUR", True, "EUR 95,500,000,000"),
    (123456789, "JPY", True, "JPY 123,456,789"),            # no minor digits at all
    (123456789, "JPY", False, "JPY 123,456,789"),
    (1234567, "BHD", False, "BHD 1,234.567"),               # three minor digits
    (1234000, "BHD", True, "BHD 1,234"),
    (1234000, "BHD", False, "BHD 1,234.000"),
    (5, "BHD", False, "BHD 0.005"),
    (-123456, "USD", False, "USD -1,234.56"),
    (-100, "USD", True, "USD -1"),
    (0, "EUR", False, "EUR 0.00"),
    (0, "EUR", True, "EUR 0"),
    (10**15, "USD", True, "USD 10,000,000,000,000"),
    # Far past a float's 53 bits: every digit kept (a float would print ...992 or 1e+24).
    (123456789012345678901234567, "USD", False, "USD 1,234,567,890,123,456,789,012,345.67"),
    (2**53 + 1, "JPY", False, "JPY 9,007,199,254,740,993"),
])
def test_format_money_is_exact_in_the_currency_decimals(minor: int, currency: str,
                                                        summary: bool, text: str) -> None:
    assert format_money(minor, currency, summary=summary) == text


def test_format_money_refuses_what_is_not_integer_minor_units() -> None:
    for bad in (9550000000.0, True, "100"):
        with pytest.raises(TypeError):
            format_money(bad, "EUR")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="minor unit"):
        format_money(100, "XXX")
