"""Imports refuse a malformed id (or other whole number) with a 422 that names the row and the
column: a 30-digit id used to reach the database and come back as a 500."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import Role
from app.inventory import transfer_csv
from app.inventory.models import Mechanism
from app.kit.schemas import MAX_DB_INT
from app.needs.models import Need
from tests.factories import PASSWORD, csrf_from, login, make_user, token_for
from tests.needs.factories import make_need

BAD_IDS = ["1" * 30, "-1", "1e3", "1 2", "0", str(MAX_DB_INT + 1), "\u00b2", "\u0661\u0662",
           "9" * 5000]
IDS = ["30 digits", "negative", "exponent", "space", "zero", "past INTEGER", "superscript",
       "Arabic-Indic digits", "5000 digits"]
ID_MESSAGE = "id: {id!r} is not an id (a whole number from 1 to 2147483647)"


@pytest.fixture
def curator(client: TestClient, db: Session) -> dict[str, str]:
    make_user(db, roles=[Role.CURATOR], email="curator@example.org")
    return token_for(client, "curator@example.org")


@pytest.mark.parametrize("bad", BAD_IDS, ids=IDS)
def test_the_needs_api_import_refuses_a_malformed_id(client: TestClient, db: Session,
                                                     curator: dict[str, str], bad: str) -> None:
    need = make_need(db, priority="high")
    db.commit()
    body = f"id,priority\n{need.id},low\n{bad},low\n".encode()
    response = client.post("/api/v1/needs/import", content=body,
                           headers={**curator, "content-type": "text/csv"})
    assert response.status_code == 422, response.text
    assert response.json()["error"]["fields"] == {"line 3": ID_MESSAGE.format(id=bad)}
    db.expire_all()
    assert db.get(Need, need.id).priority.value == "high"  # all or nothing


def test_the_needs_page_import_names_the_row_and_the_column(client: TestClient,
                                                             db: Session) -> None:
    make_user(db, roles=[Role.CURATOR], email="page@example.org")
    login(client, "page@example.org", PASSWORD)
    token = csrf_from(client.get("/needs/import").text)
    response = client.post("/needs/import", data={"csrf_token": token}, files={
        "file": ("needs.csv", f"id,priority\n{'1' * 30},low\n".encode(), "text/csv")})
    assert response.status_code == 422
    assert "line 2" in response.text
    assert "is not an id (a whole number from 1 to 2147483647)" in response.text
    assert db.scalar(select(func.count()).select_from(Need)) == 0


INTEGER_COLUMNS = ["founded_year", "budget_amount_minor"]
# Not ids, but whole numbers read the same way: digits (ASCII) only, within the column's range.
BAD_NUMBERS = ["1" * 30, "-1", "1e3", "19 90", "\u00b2", "\u0661\u0669\u0669\u0660",
               "9" * 5000]
NUMBER_IDS = ["30 digits", "negative", "exponent", "space", "superscript",
              "Arabic-Indic 1990", "5000 digits"]


def _inventory_zip(column: str, value: str) -> bytes:
    cells = dict.fromkeys(transfer_csv.MECHANISM_COLUMNS, "")
    cells.update({"name": "Checked mechanism", "kind": "network", "scope": "WORLD",
                  "budget_amount_minor": "1000", "budget_currency": "USD",
                  "budget_year": "2024", column: value})
    header = ",".join(transfer_csv.MECHANISM_COLUMNS)
    row = ",".join(f'"{cells[c]}"' for c in transfer_csv.MECHANISM_COLUMNS)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mechanisms.csv", f"{header}\r\n{row}\r\n")
    return buffer.getvalue()


@pytest.mark.parametrize("bad", BAD_NUMBERS, ids=NUMBER_IDS)
@pytest.mark.parametrize("column", INTEGER_COLUMNS)
def test_the_inventory_csv_import_refuses_a_malformed_whole_number(
        client: TestClient, db: Session, curator: dict[str, str], column: str,
        bad: str) -> None:
    response = client.post("/api/v1/inventory/import", content=_inventory_zip(column, bad),
                           headers={**curator, "content-type": "application/zip"})
    assert response.status_code == 422, response.text
    [problem] = response.json()["error"]["problems"]
    assert problem["where"] == "mechanisms.csv line 2", problem
    assert problem["field"] in (column, "budget." + column.removeprefix("budget_")), problem
    assert db.scalar(select(func.count()).select_from(Mechanism)) == 0


@pytest.mark.parametrize("bad", ["1" * 30, "-1", 10**30, -1, 1e3, "1 2"],
                         ids=["30-digit text", "negative text", "30-digit number",
                              "negative number", "float", "space"])
def test_the_inventory_json_import_refuses_a_malformed_whole_number(
        client: TestClient, db: Session, curator: dict[str, str], bad: object) -> None:
    document = client.get("/api/v1/inventory/export").json()
    document["mechanisms"] = [{"name": "Checked mechanism", "kind": "network",
                               "scope": ["WORLD"], "founded_year": bad}]
    response = client.post("/api/v1/inventory/import", content=json.dumps(document),
                           headers={**curator, "content-type": "application/json"})
    assert response.status_code == 422, response.text
    [problem] = response.json()["error"]["problems"]
    assert problem["where"] == "mechanisms[0]" and problem["field"] == "founded_year", problem
    assert db.scalar(select(func.count()).select_from(Mechanism)) == 0
