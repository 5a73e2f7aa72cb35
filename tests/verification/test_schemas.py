"""The attestation body accepts every value its published JSON Schema allows (schemathesis relies
on that), and refuses floats and blank evidence with a message naming the field."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from app.verification.schemas import (
    EVIDENCE,
    EVIDENCE_URL,
    MEASURED_VALUE_SCHEMA,
    AttestationIn,
)

STRING_PATTERN = MEASURED_VALUE_SCHEMA["anyOf"][1]["pattern"]  # type: ignore[index]


@given(st.from_regex(STRING_PATTERN, fullmatch=True))
def test_every_decimal_string_the_schema_allows_is_accepted_exactly(text: str) -> None:
    body = AttestationIn.model_validate({"measured_value": text, "evidence": "read on site"})
    assert body.measured_value == Decimal(text)


@given(st.integers(min_value=-(10**20) + 1, max_value=10**20 - 1))
def test_every_integer_the_schema_allows_is_accepted(number: int) -> None:
    body = AttestationIn.model_validate({"measured_value": number, "evidence": "read on site"})
    assert body.measured_value == number


@given(st.from_regex(EVIDENCE_URL, fullmatch=True).filter(lambda u: len(u) <= 500))
def test_every_address_the_schema_allows_is_accepted(url: str) -> None:
    body = AttestationIn.model_validate({"measured_value": "1", "evidence": "x",
                                         "evidence_url": url})
    assert body.evidence_url == url.strip()


# U+0000 is refused in every text field of every body (app/kit/nul.py), whatever the schema says.
@given(st.from_regex(EVIDENCE).filter(lambda text: len(text) <= 5000 and "\x00" not in text))
def test_all_evidence_the_schema_allows_is_accepted(text: str) -> None:
    body = AttestationIn.model_validate({"measured_value": "1", "evidence": text})
    assert body.evidence.strip() == text.strip()


@pytest.mark.parametrize(("body", "field", "message"), [
    ({"measured_value": 1.5, "evidence": "x"}, "measured_value", "never as floating-point"),
    ({"measured_value": True, "evidence": "x"}, "measured_value", "never as floating-point"),
    ({"measured_value": "1", "evidence": " \n"}, "evidence", "say how, where and when"),
    ({"measured_value": "1", "evidence": "x", "evidence_url": "javascript:alert(1)"},
     "evidence_url", "http:// or https://"),
])
def test_refusals_name_the_field(body: dict[str, object], field: str, message: str) -> None:
    with pytest.raises(ValidationError) as raised:
        AttestationIn.model_validate(body)
    [error] = raised.value.errors()
    assert error["loc"] == (field,) and message in error["msg"]
