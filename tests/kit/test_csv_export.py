"""Every CSV the site writes is safe to open in a spreadsheet: a text cell that starts like a
formula (= + - @ tab CR) gets a leading apostrophe, in every export (one shared writer);
numbers stay numbers; our imports read the apostrophe back off."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.inventory import mechanisms
from app.inventory.models import LinkType
from app.kit.csv_export import cell, protect, unprotect, write_csv
from tests.challenges.factories import admin, published, sponsor
from tests.factories import make_user, token_for
from tests.inventory.factories import curator, make_mechanism, make_technology
from tests.needs.factories import make_need

PAYLOADS = ['=HYPERLINK("http://x")', "@SUM(1+1)", "+cmd|' /C calc'!A0", "-2+3+cmd|'!A0",
            "\t=1+1", "\r=1+1"]
HYPERLINK = PAYLOADS[0]


def test_text_starting_like_a_formula_is_protected_and_read_back() -> None:
    for payload in PAYLOADS:
        assert protect(payload) == "'" + payload
        assert unprotect(protect(payload)) == payload
    for plain in ("Solar pumps", "a=b", "", "'quoted", "1-2"):
        assert protect(plain) == plain and unprotect(plain) == plain
    # Text that already starts with an apostrophe before a formula sign survives the round trip.
    assert protect("'=x") == "''=x" and unprotect("''=x") == "'=x"


def test_numbers_stay_numbers_and_text_that_looks_like_one_does_not() -> None:
    assert [cell(v) for v in (-5, 0, 12, -0.25, Decimal("-1.50"), None)] == \
        ["-5", "0", "12", "-0.25", "-1.50", ""]
    assert cell("-5") == "'-5"  # text: it could as well be "-5+cmd|..."
    text = write_csv(["name", "amount"], [[HYPERLINK, -5], ["@x", 3]])
    assert list(csv.reader(io.StringIO(text))) == [
        ["name", "amount"], ["'" + HYPERLINK, "-5"], ["'@x", "3"]]


def _zip_csvs(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name).decode("utf-8-sig") for name in archive.namelist()}


@pytest.fixture
def world(client: TestClient, db: Session, clock: Any) -> dict[str, Any]:
    """One record with a formula in a text field for every export."""
    source = make_mechanism(db, name=HYPERLINK, acronym="@SUM(1+1)",
                            description="+cmd|' /C calc'!A0")
    target = make_mechanism(db, name="Plain target")
    mechanisms.set_links(db, mechanism=source,
                         links=[(target.id, LinkType.PARTNER_OF, "-2+3+cmd|'!A0")])
    make_technology(db, name="=1+1 tech", summary="@SUM(A1)", provider="=2*3")
    make_need(db, technology=HYPERLINK, notes="@SUM(1+1)", source_title="-2+3")
    owner = sponsor(db, email="owner@example.org")
    challenge = published(db, owner, admin(db))
    clock.advance(days=2)  # registration is open
    make_user(db, email="solver@example.org", country_code="NPL", display_name=HYPERLINK,
              organisation="+cmd|' /C calc'!A0")
    db.commit()
    registered = client.post(f"/api/v1/challenges/{challenge.id}/registrations",
                             json={"solver_kind": "individual",
                                   "declares_not_sponsor_employee": True},
                             headers=token_for(client, "solver@example.org"))
    assert registered.status_code == 201, registered.text
    return {"challenge": challenge.id, "owner": token_for(client, "owner@example.org"),
            "curator": curator(client, db)}


def inventory_file(name: str) -> Callable[[TestClient, dict[str, Any]], str]:
    def fetch(client: TestClient, world: dict[str, Any]) -> str:
        response = client.get("/api/v1/inventory/export.zip")
        assert response.status_code == 200
        return _zip_csvs(response.content)[name]
    return fetch


def needs_csv(client: TestClient, world: dict[str, Any]) -> str:
    response = client.get("/api/v1/needs/export")
    assert response.status_code == 200
    return response.text


def registrations_csv(client: TestClient, world: dict[str, Any]) -> str:
    response = client.get(f"/api/v1/challenges/{world['challenge']}/registrations.csv",
                          headers=world["owner"])
    assert response.status_code == 200
    return response.text


def registrations_page_csv(client: TestClient, world: dict[str, Any]) -> str:
    response = client.get(f"/challenges/{world['challenge']}/registrations.csv",
                          headers=world["owner"])
    assert response.status_code == 200
    return response.text


EXPORTS = {  # every CSV the site writes, with the cells the world puts a formula in
    "mechanisms.csv": (inventory_file("mechanisms.csv"), {
        "name": HYPERLINK, "acronym": "@SUM(1+1)", "description": "+cmd|' /C calc'!A0"}),
    "links.csv": (inventory_file("links.csv"), {"source": HYPERLINK,
                                                 "note": "-2+3+cmd|'!A0"}),
    "technologies.csv": (inventory_file("technologies.csv"), {
        "name": "=1+1 tech", "summary": "@SUM(A1)", "provider": "=2*3"}),
    "needs.csv": (needs_csv, {"technology": HYPERLINK, "notes": "@SUM(1+1)",
                              "source_title": "-2+3"}),
    "registrations.csv (API)": (registrations_csv, {"name": HYPERLINK,
                                                    "organisation": "+cmd|' /C calc'!A0"}),
    "registrations.csv (page)": (registrations_page_csv, {
        "name": HYPERLINK, "organisation": "+cmd|' /C calc'!A0"}),
}


@pytest.mark.parametrize("export", list(EXPORTS), ids=list(EXPORTS))
def test_no_export_carries_a_formula(client: TestClient, world: dict[str, Any],
                                     export: str) -> None:
    fetch, planted = EXPORTS[export]
    text = fetch(client, world)
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    found = {column: value for row in rows for column, value in row.items()
             if column in planted and unprotect(value) == planted[column]}
    assert found == {column: "'" + value for column, value in planted.items()}, text
    for row in rows:  # and no other cell starts a formula either
        for column, value in row.items():
            assert not value or value[0] not in "=+-@\t\r" or \
                value.lstrip("-").replace(".", "", 1).isdigit(), (column, value)


def test_the_inventory_import_reads_its_own_export_back_unchanged(
        client: TestClient, world: dict[str, Any]) -> None:
    exported = client.get("/api/v1/inventory/export.zip").content
    response = client.post("/api/v1/inventory/import", content=exported,
                           headers={**world["curator"], "content-type": "application/zip"})
    assert response.status_code == 200, response.text
    assert response.json()["created"] == {"mechanism": 0, "technology": 0}
    assert response.json()["updated"] == {"mechanism": 0, "technology": 0}
    names = {m["name"]: m for m in client.get("/api/v1/inventory/export").json()["mechanisms"]}
    assert names[HYPERLINK]["acronym"] == "@SUM(1+1)"
    assert names[HYPERLINK]["links"][0]["note"] == "-2+3+cmd|'!A0"


def test_every_csv_the_app_writes_goes_through_the_shared_writer() -> None:
    """A new export that built its own csv.writer would skip the formula protection."""
    app_dir = Path(__file__).resolve().parents[2] / "app"
    writers = [str(path.relative_to(app_dir)) for path in app_dir.rglob("*.py")
               if re.search(r"csv\.(writer|DictWriter)\(", path.read_text(encoding="utf-8"))]
    assert writers == ["kit/csv_export.py"]
