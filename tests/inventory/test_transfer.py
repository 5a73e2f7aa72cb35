"""Export and import (JSON and CSV), round trips, and all-or-nothing imports."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import Role
from app.config import Settings
from app.db import dispose_engines, session_factory
from app.history.models import Revision
from app.inventory.models import Mechanism, Technology
from app.inventory.transfer_csv import LINK_COLUMNS, MECHANISM_COLUMNS, TECHNOLOGY_COLUMNS
from tests.db_setup import PostgresDatabases, SQLiteDatabases
from tests.inventory.conftest import empty_inventory
from tests.inventory.factories import curator, headers_for, make_mechanism, make_technology, solver


class Other:
    """A second, empty-inventory database with its own app (the place an export goes to)."""

    def __init__(self, client: TestClient, db: Session, headers: dict[str, str]) -> None:
        self.client, self.db, self.headers = client, db, headers


@pytest.fixture
def other(databases: SQLiteDatabases | PostgresDatabases, tmp_path: Path) -> Iterator[Other]:
    from app.main import create_app

    url = databases.fresh()
    db = session_factory(url)()
    empty_inventory(db)
    settings = Settings(database_url=url, var_dir=tmp_path / "other", environment="test",
                        secret_key="another-test-secret-key-0123456789abcdef")
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        _, headers = headers_for(client, db, Role.CURATOR)
        yield Other(client, db, headers)
    db.close()
    dispose_engines()
    databases.drop(url)


def _arrange(client: TestClient, db: Session) -> dict[str, str]:
    """A small inventory with every kind of field filled in, through the services and API."""
    fund = make_mechanism(db, name="Green Climate Fund", acronym="GCF", kind="fund",
                          functions=["finance"], scope=["WORLD"], founded_year=2010,
                          budget={"amount_minor": 1030000000000, "currency": "USD",
                                  "year": 2014, "note": "initial pledges"})
    ctcn = make_mechanism(db, name="Climate Technology Centre and Network", acronym="CTCN",
                          kind="un_body", hosts=["UNEP", "UNIDO"],
                          description="Line one.\n\nLine two, with \"quotes\" and a | bar-free"
                                      " comma, too.",
                          functions=["technical_assistance", "capacity_building"],
                          sectors=["energy_supply", "water"], stages=["diffusion"],
                          scope=["LDC", "M49-002", "NPL"], website="https://www.ctc-n.org",
                          sources=["https://www.ctc-n.org"], status=None)
    make_technology(db, name="Drip irrigation", summary="Water to the roots.",
                    sectors=["water"], stage="diffusion", trl=9,
                    mitigation_adaptation="adaptation", countries_deployed=["KEN", "IND"],
                    related_mechanism_ids=[ctcn.id, fund.id], links=["https://example.org/a"])
    make_technology(db, name="Open sensor board", stage="demonstration", trl=None,
                    availability="open_licence", licence_id="CERN-OHL-S-2.0")
    headers = curator(client, db)
    client.post(f"/api/v1/mechanisms/{ctcn.id}/links",
                json={"target_id": fund.id, "type": "funded_by", "note": "readiness"},
                headers=headers)
    client.post(f"/api/v1/mechanisms/{fund.id}/links",
                json={"target_id": ctcn.id, "type": "partner_of"}, headers=headers)
    client.post(f"/api/v1/mechanisms/{fund.id}/verify", headers=headers)
    return headers


def _without_time(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "exported_at"}


def _revisions(db: Session) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(Revision)) or 0


def test_json_export_imports_into_an_empty_database_identically(
        client: TestClient, db: Session, other: Other) -> None:
    _arrange(client, db)
    exported = client.get("/api/v1/inventory/export")
    assert exported.status_code == 200
    document = exported.json()
    assert [m["name"] for m in document["mechanisms"]] == [
        "Climate Technology Centre and Network", "Green Climate Fund"]
    assert document["technologies"][0]["related_mechanisms"] == [
        "Climate Technology Centre and Network", "Green Climate Fund"]

    assert other.client.post("/api/v1/inventory/import", json=document).status_code == 401
    imported = other.client.post("/api/v1/inventory/import", json=document,
                                 headers=other.headers)
    assert imported.status_code == 200, imported.text
    assert imported.json()["created"] == {"mechanism": 2, "technology": 2}
    again = other.client.get("/api/v1/inventory/export").json()
    assert _without_time(again) == _without_time(document)

    # importing the same file again changes nothing and records no revision
    before = _revisions(other.db)
    second = other.client.post("/api/v1/inventory/import", json=document, headers=other.headers)
    assert second.json()["unchanged"] == {"mechanism": 2, "technology": 2}
    assert _revisions(other.db) == before


def test_csv_export_imports_into_an_empty_database_identically(
        client: TestClient, db: Session, other: Other) -> None:
    _arrange(client, db)
    archive = client.get("/api/v1/inventory/export.zip")
    assert archive.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(archive.content)) as files:
        assert sorted(files.namelist()) == ["links.csv", "mechanisms.csv", "technologies.csv"]
        mechanisms = list(csv.DictReader(io.StringIO(files.read("mechanisms.csv").decode())))
    assert mechanisms[0]["scope"] == "LDC|M49-002|NPL" and mechanisms[0]["status"] == ""
    imported = other.client.post("/api/v1/inventory/import", content=archive.content,
                                 headers={**other.headers, "content-type": "application/zip"})
    assert imported.status_code == 200, imported.text
    json_here = _without_time(client.get("/api/v1/inventory/export").json())
    json_there = _without_time(other.client.get("/api/v1/inventory/export").json())
    assert json_there == json_here


def _zip(mechanisms: list[list[str]], links: list[list[str]] | None = None,
         technologies: list[list[str]] | None = None) -> bytes:
    def text(columns: tuple[str, ...], rows: list[list[str]]) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(columns)
        writer.writerows(rows)
        return out.getvalue()

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as files:
        files.writestr("mechanisms.csv", text(MECHANISM_COLUMNS, mechanisms))
        files.writestr("links.csv", text(LINK_COLUMNS, links or []))
        files.writestr("technologies.csv", text(TECHNOLOGY_COLUMNS, technologies or []))
    return buffer.getvalue()


def _mechanism_row(name: str, **cells: str) -> list[str]:
    row = dict.fromkeys(MECHANISM_COLUMNS, "")
    row.update({"name": name, "kind": "network", "status": "active", "scope": "WORLD", **cells})
    return [row[c] for c in MECHANISM_COLUMNS]


def test_a_csv_with_one_bad_row_imports_nothing_and_names_the_row(client: TestClient,
                                                                  db: Session) -> None:
    content = _zip([
        _mechanism_row("Good one", description="Spans\ntwo lines"),  # lines 2-3
        _mechanism_row("Bad sector", sectors="energy_supply|space"),  # line 4
        _mechanism_row("Fine too", budget_amount_minor="-5", budget_currency="USD",
                       budget_year="2020"),  # line 5: negative budget
    ], links=[["Good one", "Nowhere Fund", "funded_by", ""]])
    before = _revisions(db)
    response = client.post("/api/v1/inventory/import", content=content,
                           headers={**curator(client, db), "content-type": "application/zip"})
    assert response.status_code == 422
    error = response.json()["error"]
    problems = {(p["where"], p["field"]) for p in error["problems"]}
    assert problems == {("mechanisms.csv line 4", "sectors"),
                        ("mechanisms.csv line 5", "budget.amount_minor"),
                        ("links.csv line 2", "target")}
    assert "mechanisms.csv line 4.sectors" in error["fields"]
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(Mechanism)) == 0
    assert _revisions(db) == before


def test_json_problems_name_the_index(client: TestClient, db: Session) -> None:
    document = {"mechanisms": [
        {"name": "One", "kind": "network", "scope": ["WORLD"]},
        {"name": "Two", "kind": "network", "scope": ["WORLD", "XXQ"]},
        {"name": "one", "kind": "fund"},
    ], "technologies": [
        {"name": "T", "stage": "research", "trl": 7, "availability": "public_domain",
         "related_mechanisms": ["Three"]},
        {"name": "U", "stage": "research", "availability": "public_domain", "colour": "red"},
    ]}
    response = client.post("/api/v1/inventory/import", json=document,
                           headers=curator(client, db))
    assert response.status_code == 422
    problems = {(p["where"], p["field"]) for p in response.json()["error"]["problems"]}
    assert problems == {("mechanisms[1]", "scope"), ("mechanisms[2]", "name"),
                        ("technologies[0]", "related_mechanisms"),
                        ("technologies[1]", "colour")}
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(Technology)) == 0


def test_import_needs_a_curator_and_a_known_format(client: TestClient, db: Session) -> None:
    assert client.post("/api/v1/inventory/import", json={},
                       headers=solver(client, db)).status_code == 403
    headers = curator(client, db)
    wrong = client.post("/api/v1/inventory/import", content=b"name\nx",
                        headers={**headers, "content-type": "text/csv"})
    assert wrong.status_code == 422 and "content-type" in wrong.json()["error"]["fields"]
    broken = client.post("/api/v1/inventory/import", content=b"{not json",
                         headers={**headers, "content-type": "application/json"})
    assert broken.status_code == 422 and "body" in broken.json()["error"]["fields"]
    not_zip = client.post("/api/v1/inventory/import", content=b"PK nonsense",
                          headers={**headers, "content-type": "application/zip"})
    assert not_zip.status_code == 422


def test_import_updates_changed_records_and_replaces_their_links(client: TestClient,
                                                                 db: Session) -> None:
    headers = _arrange(client, db)
    document = client.get("/api/v1/inventory/export").json()
    ctcn = next(m for m in document["mechanisms"] if m["acronym"] == "CTCN")
    ctcn["description"] = "Changed."
    ctcn["links"] = []
    response = client.post("/api/v1/inventory/import", json=document, headers=headers)
    assert response.json()["updated"] == {"mechanism": 1, "technology": 0}
    found = client.get("/api/v1/mechanisms", params={"q": "changed"}).json()["items"]
    assert [m["acronym"] for m in found] == ["CTCN"]
    revisions = client.get(f"/api/v1/mechanisms/{found[0]['id']}/revisions").json()
    assert revisions[0]["action"] == "import"
    assert revisions[0]["changed_fields"] == ["description", "links"]


def test_cli_export_and_import(db: Session, settings: Settings, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from app.cli import main

    make_mechanism(db, name="Exported by the CLI", functions=["finance"])
    runner = CliRunner()
    for fmt, name in (("json", "inventory.json"), ("csv", "inventory.zip")):
        result = runner.invoke(main, ["export-inventory", "--format", fmt,
                                      "--output", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
        again = runner.invoke(main, ["import-inventory", str(tmp_path / name)])
        assert again.exit_code == 0, again.output
        assert "mechanisms 0 created, 0 updated, 1 unchanged" in again.output
    (tmp_path / "bad.json").write_text('{"mechanisms": [{"name": "X", "kind": "guild"}]}')
    bad = runner.invoke(main, ["import-inventory", str(tmp_path / "bad.json")])
    assert bad.exit_code != 0 and "mechanisms[0]: kind" in bad.output
