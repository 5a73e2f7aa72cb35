"""HTML forms of the inventory: submitted values to service payloads, records to form values.

Forms send text; the services take typed values. A value that cannot even be read (a year that
is not a number, an amount with too many decimals) is reported under the form field's name,
and the service's field names are translated back to the form's (`budget.amount_minor` ->
`budget_amount`), so every message stands next to its field.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from app.errors import AppError, ValidationFailed
from app.i18n.translate import N_, translatable
from app.kit.money import is_currency, minor_exponent

FORM_FIELD = {"budget.amount_minor": "budget_amount", "budget": "budget_amount",
              "budget.currency": "budget_currency", "budget.year": "budget_year",
              "budget.note": "budget_note", "related_mechanism_ids": "related_mechanism_ids"}


def _one(form: dict[str, list[str]], name: str) -> str:
    values = form.get(name) or [""]
    return values[-1].strip()


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _codes(text: str) -> list[str]:
    return [c for c in re.split(r"[\s,;]+", text.strip()) if c]


def _int(text: str, field: str, errors: dict[str, str]) -> int | None:
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        errors[field] = N_("enter a whole number")
        return None


def _amount_minor(text: str, currency: str, errors: dict[str, str]) -> int | None:
    """'1,500,000.50' USD -> 150000050 (exact; too many decimals for the currency is an error)."""
    try:
        amount = Decimal(text.replace(",", "").replace(" ", ""))
    except InvalidOperation:
        errors["budget_amount"] = N_("enter an amount such as 1500000 or 1500000.50")
        return None
    if not is_currency(currency):
        return None  # the currency field's own message says why
    minor = amount * (10 ** minor_exponent(currency))
    if minor != minor.to_integral_value():
        errors["budget_amount"] = translatable("%(currency)s has %(places)s decimal places",
                                               currency=currency,
                                               places=minor_exponent(currency))
        return None
    return int(minor)


def mechanism_payload(form: dict[str, list[str]]) -> tuple[dict[str, Any], dict[str, str]]:
    """The mechanism form as a `MechanismFields` dict, and the values that could not be read
    (left empty in the dict, so the rest can still be checked)."""
    errors: dict[str, str] = {}
    payload: dict[str, Any] = {
        "name": _one(form, "name"), "acronym": _one(form, "acronym") or None,
        "kind": _one(form, "kind"), "status": _one(form, "status") or None,
        "hosts": _lines(_one(form, "hosts")), "description": _one(form, "description"),
        "functions": form.get("functions", []), "sectors": form.get("sectors", []),
        "stages": form.get("stages", []), "scope": _codes(_one(form, "scope")),
        "website": _one(form, "website") or None,
        "founded_year": _int(_one(form, "founded_year"), "founded_year", errors),
        "sources": _lines(_one(form, "sources")), "budget": None,
    }
    amount, currency = _one(form, "budget_amount"), _one(form, "budget_currency").upper()
    year, note = _one(form, "budget_year"), _one(form, "budget_note")
    if amount or currency or year or note:
        if not amount:
            errors["budget_amount"] = N_("enter the amount (or clear the other budget fields)")
        if not currency:
            errors["budget_currency"] = N_("enter an ISO 4217 code such as USD")
        payload["budget"] = {"amount_minor": _amount_minor(amount, currency, errors) if amount
                             else None, "currency": currency,
                             "year": _int(year, "budget_year", errors), "note": note or None}
    return payload, errors


def mechanism_form(content: dict[str, Any]) -> dict[str, Any]:
    """Form values showing a record (`records.mechanism_content`)."""
    budget = content.get("budget") or {}
    amount = ""
    if budget:  # minor units back to the currency's units, exactly: 150000050 USD -> 1500000.50
        exponent = minor_exponent(budget["currency"])
        amount = f"{Decimal(budget['amount_minor']).scaleb(-exponent):f}"
    return {
        **{k: content.get(k) or "" for k in ("name", "acronym", "kind", "status", "description",
                                              "website")},
        "founded_year": str(content.get("founded_year") or ""),
        "hosts": "\n".join(content.get("hosts", [])),
        "sources": "\n".join(content.get("sources", [])),
        "scope": " ".join(content.get("scope", [])),
        "functions": content.get("functions", []), "sectors": content.get("sectors", []),
        "stages": content.get("stages", []),
        "budget_amount": amount, "budget_currency": budget.get("currency", ""),
        "budget_year": str(budget.get("year", "")), "budget_note": budget.get("note") or "",
    }


def technology_payload(form: dict[str, list[str]]) -> tuple[dict[str, Any], dict[str, str]]:
    """The technology form as a `TechnologyFields` dict, and the values that could not be
    read."""
    errors: dict[str, str] = {}
    related: list[int] = []
    for value in form.get("related_mechanism_ids", []):
        number = _int(value.strip(), "related_mechanism_ids", errors)
        if number is not None:
            related.append(number)
    payload: dict[str, Any] = {
        "name": _one(form, "name"), "summary": _one(form, "summary"),
        "description": _one(form, "description"), "sectors": form.get("sectors", []),
        "stage": _one(form, "stage"), "trl": _int(_one(form, "trl"), "trl", errors),
        "mitigation_adaptation": _one(form, "mitigation_adaptation") or None,
        "availability": _one(form, "availability"),
        "licence_id": _one(form, "licence_id") or None,
        "provider": _one(form, "provider") or None,
        "countries_deployed": _codes(_one(form, "countries_deployed")),
        "related_mechanism_ids": related, "links": _lines(_one(form, "links")),
    }
    return payload, errors


def technology_form(content: dict[str, Any]) -> dict[str, Any]:
    return {
        **{k: content.get(k) or "" for k in ("name", "summary", "description", "stage",
                                              "mitigation_adaptation", "availability",
                                              "licence_id", "provider")},
        "trl": str(content.get("trl") or ""), "sectors": content.get("sectors", []),
        "countries_deployed": " ".join(content.get("countries_deployed", [])),
        "related_mechanism_ids": [str(i) for i in content.get("related_mechanism_ids", [])],
        "links": "\n".join(content.get("links", [])),
    }


def form_values(form: dict[str, list[str]], list_fields: set[str]) -> dict[str, Any]:
    """What the user sent, to show it again next to the errors."""
    return {k: (v if k in list_fields else (v[-1] if v else "")) for k, v in form.items()}


def checked(payload: dict[str, Any], unreadable: dict[str, str],
            check: Callable[[dict[str, Any]], object]) -> dict[str, Any]:
    """`payload` when the form was readable; otherwise one 422 with every message: the
    unreadable values' and whatever `check` (the service's rules) finds in the rest."""
    if not unreadable:
        return payload
    problems = dict(unreadable)
    try:
        check(payload)
    except AppError as exc:
        problems = {**for_form(exc).fields, **problems}
    raise ValidationFailed(fields=problems)


def for_form(exc: AppError) -> AppError:
    """The same error with its field names as the form's inputs are named."""
    exc.fields = {FORM_FIELD.get(k, k): v for k, v in exc.fields.items()}
    return exc
