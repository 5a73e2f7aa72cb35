"""Public results and the 360Giving export: nothing before the awards are final; then anyone
reads who was paid what for which verified outcomes, and downloads the awards as 360Giving grants
that validate against the standard's own schema, with exact amounts."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import jsonschema_rs
import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from app.awards.giving360 import dumps, major_units
from tests.awards.factories import awards_proposed, finalised
from tests.challenges.factories import Clock

SCHEMAS = Path(__file__).with_name("data") / "360giving"


def validator() -> jsonschema_rs.Validator:
    grant = json.loads((SCHEMAS / "360-giving-schema.json").read_text())
    package = json.loads((SCHEMAS / "360-giving-package-schema.json").read_text())
    # The package schema refers to the 1.4.2 grant schema by URL: it resolves to the local copy.
    referenced = package["properties"]["grants"]["items"]["$ref"]
    registry = jsonschema_rs.Registry([(referenced, grant), (grant["$id"], grant)])
    return jsonschema_rs.validator_for(package, registry=registry, validate_formats=True)


def test_nothing_is_published_before_the_awards_are_final(client: TestClient, db: Session,
                                                          clock: Clock) -> None:
    v = awards_proposed(db, clock)
    for path in (f"/api/v1/challenges/{v.challenge.id}/results",
                 f"/api/v1/challenges/{v.challenge.id}/results/360giving.json"):
        answer = client.get(path)
        assert (answer.status_code, answer.json()["error"]["code"]) == (409, "results_not_final")
    assert client.get("/api/v1/results/360giving.json").status_code == 404
    assert client.get(f"/challenges/{v.challenge.id}/results").status_code == 409


def test_anyone_reads_the_results_of_a_final_challenge(client: TestClient, db: Session,
                                                      clock: Clock) -> None:
    v = finalised(db, clock)
    body = client.get(f"/api/v1/challenges/{v.challenge.id}/results").json()
    assert (body["currency"], body["purse_minor"], body["total_minor"]) == (
        "USD", 10_000_000, 5_000_000)
    [award] = body["awards"]
    assert (award["title"], award["entrant"], award["country"], award["amount_minor"]) == (
        v.judged.entries[0].title, "Okafor Cold Chain Collective", "Nepal", 5_000_000)
    assert award["outcomes"] == ["Stored produce kept below 8 °C: 640 tonne-days"]
    page = client.get(f"/challenges/{v.challenge.id}/results")
    assert page.status_code == 200 and "USD 50,000.00" in page.text
    assert v.judged.entries[1].title not in page.text  # not awarded: not named
    assert f'href="/challenges/{v.challenge.id}/results/360giving.json"' in page.text
    assert f'href="/challenges/{v.challenge.id}/results"' in client.get(
        f"/challenges/{v.challenge.id}").text


def test_the_360giving_export_is_valid_and_exact(client: TestClient, db: Session,
                                                 clock: Clock) -> None:
    v = finalised(db, clock)
    answer = client.get(f"/api/v1/challenges/{v.challenge.id}/results/360giving.json")
    assert answer.status_code == 200
    assert answer.headers["content-disposition"] == (
        f'attachment; filename="valleycross-challenge-{v.challenge.id}-360giving.json"')
    assert re.search(r'"amountAwarded": 50000\.00[,}]', answer.text)  # a number, exact
    document = answer.json()
    errors = [e.message for e in validator().iter_errors(document)]
    assert errors == []
    [grant] = document["grants"]
    assert grant["id"] == f"360G-valleycross-{v.challenge.id}-{v.judged.entries[0].id}"
    assert grant["recipientOrganization"][0]["name"] == "Okafor Cold Chain Collective"
    assert grant["beneficiaryLocation"] == [{"countryCode": "NP", "name": "Nepal"}]
    assert grant["awardDate"] == "2030-06-13" and grant["fromOpenCall"] == "Yes"
    assert grant["fundingOrganization"][0]["name"] == "Green Fund"
    platform = client.get("/api/v1/results/360giving.json")
    assert platform.status_code == 200 and validator().is_valid(platform.json())
    page_download = client.get(f"/challenges/{v.challenge.id}/results/360giving.json")
    assert page_download.json()["grants"] == document["grants"]


@pytest.mark.parametrize(("minor", "currency", "text"), [
    (5_000_000, "USD", "50000.00"), (7, "USD", "0.07"), (500, "JPY", "500"),
    (1_234_567, "KWD", "1234.567")])
def test_minor_units_become_exact_major_units(minor: int, currency: str, text: str) -> None:
    assert dumps({"amount": major_units(minor, currency)}) == f'{{"amount": {text}}}'


@given(st.integers(0, 10**15), st.sampled_from(["USD", "JPY", "KWD", "EUR", "XOF"]))
def test_major_units_round_trip(minor: int, currency: str) -> None:
    value = json.loads(dumps([major_units(minor, currency)]), parse_float=Decimal,
                       parse_int=Decimal)[0]
    exponent = {"USD": 2, "JPY": 0, "KWD": 3, "EUR": 2, "XOF": 0}[currency]
    assert value.scaleb(exponent) == minor
