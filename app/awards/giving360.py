"""Awards as 360Giving Data Standard grants (https://standard.threesixtygiving.org), pure.

Amounts stay exact: the standard wants a number in major units, so minor units are turned into
a decimal with the currency's ISO 4217 exponent and written as that exact number (`dumps`),
never through a float.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from app.kit.money import minor_exponent

STANDARD_VERSION = "1.4"


@dataclass(frozen=True)
class Grant:
    """One final award, with what the standard asks about it."""

    id: str
    title: str
    description: str
    amount_minor: int
    currency: str
    award_date: dt.date
    recipient_id: str
    recipient_name: str
    recipient_is_team: bool
    recipient_country_alpha2: str | None
    recipient_country_name: str | None
    funder_id: str
    funder_name: str
    programme_code: str
    programme_title: str
    url: str
    modified: dt.datetime


def major_units(amount_minor: int, currency: str) -> Decimal:
    """12345 USD -> Decimal('123.45'); 500 JPY -> Decimal('500') (exact)."""
    exponent = minor_exponent(currency)
    return Decimal(amount_minor).scaleb(-exponent).quantize(Decimal(1).scaleb(-exponent))


def grant_record(grant: Grant) -> dict[str, Any]:
    recipient = {"id": grant.recipient_id, "name": grant.recipient_name}
    record: dict[str, Any] = {
        "id": grant.id, "title": grant.title, "description": grant.description,
        "currency": grant.currency,
        "amountAwarded": major_units(grant.amount_minor, grant.currency),
        "awardDate": grant.award_date.isoformat(),
        ("recipientOrganization" if grant.recipient_is_team else "recipientIndividual"):
            [recipient] if grant.recipient_is_team else recipient,
        "fundingOrganization": [{"id": grant.funder_id, "name": grant.funder_name}],
        "grantProgramme": [{"code": grant.programme_code, "title": grant.programme_title,
                            "url": grant.url}],
        "fromOpenCall": "Yes", "url": grant.url,
        "dateModified": grant.modified.astimezone(dt.UTC).isoformat(timespec="seconds"),
    }
    if grant.recipient_country_alpha2:
        record["beneficiaryLocation"] = [{"countryCode": grant.recipient_country_alpha2,
                                          "name": grant.recipient_country_name}]
    return record


def package(grants: list[Grant], *, title: str, issued: dt.datetime,
            publisher: str) -> dict[str, Any]:
    """A 360Giving data package of `grants`."""
    return {"version": STANDARD_VERSION, "title": title,
            "description": f"Outcome-based prize awards published by {publisher}: each grant is "
                           "an award paid for outcomes that were verified.",
            "issued": issued.astimezone(dt.UTC).isoformat(timespec="seconds"),
            "grants": [grant_record(g) for g in grants]}


def dumps(document: Any) -> str:
    """JSON text in which every Decimal is written as its exact number."""
    if isinstance(document, Decimal):
        return format(document, "f")
    if isinstance(document, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))}: {dumps(v)}"
                               for k, v in document.items()) + "}"
    if isinstance(document, list | tuple):
        return "[" + ", ".join(dumps(v) for v in document) + "]"
    return json.dumps(document, ensure_ascii=False)
