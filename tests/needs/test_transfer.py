"""CSV export and all-or-nothing import."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import Role
from app.errors import ValidationFailed
from app.history.models import Revision
from app.inventory.models import Availability, Technology
from app.needs import transfer
from app.needs.models import Need
from app.reference.vocab import Stage
from tests.factories import make_user, token_for
from tests.needs.factories import make_need

HEADER = ("country,sector,stage,technology,technology_ref,mitigation_adaptation,priority,"
          "source_title,source_url,status,notes\n")


def curator(client: TestClient, db: Session) -> dict[str, str]:
    return {**token_for(client, make_user(db, roles=[Role.CURATOR]).email or ""),
            "content-type": "text/csv"}


def counts(db: Session) -> tuple[int, int]:
    return (db.scalar(select(func.count()).select_from(Need)) or 0,
            db.scalar(select(func.count()).select_from(Revision)) or 0)


def test_export_then_import_changes_nothing(client: TestClient, db: Session) -> None:
    db.add(Technology(name="Solar water pumps", stage=Stage.DIFFUSION,
                      availability=Availability.PUBLIC_DOMAIN))
    db.flush()
    make_need(db, technology="Pumps", notes='Line one\nline "two", with a comma')
    make_need(db, country="FJI", technology="=HYPERLINK(\"http://x\")", dataset="demo",
              source_title="- dash first")
    need = make_need(db, country="KEN", status="addressed")
    need.technology_id = db.scalar(select(Technology.id))
    db.commit()
    exported = client.get("/api/v1/needs/export")
    assert exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [r["country"] for r in rows] == ["NPL", "FJI", "KEN"]
    assert rows[1]["technology"] == "'=HYPERLINK(\"http://x\")"   # not run as a formula
    assert rows[1]["source_title"] == "'- dash first" and rows[1]["dataset"] == "demo"
    assert rows[2]["technology_ref"] == "Solar water pumps" and rows[2]["status"] == "addressed"
    before = counts(db)
    result = client.post("/api/v1/needs/import", content=exported.text.encode(),
                         headers=curator(client, db))
    assert result.status_code == 200, result.text
    assert result.json() == {"created": 0, "updated": 0, "unchanged": 3}
    assert counts(db) == before
    db.expire_all()
    assert client.get("/api/v1/needs/export").text == exported.text


def test_import_creates_and_updates(client: TestClient, db: Session) -> None:
    need = make_need(db, priority="high")
    db.commit()
    body = ("id,priority,notes\n"
            f"{need.id},low,Re-assessed\n")
    headers = curator(client, db)
    assert client.post("/api/v1/needs/import", content=body, headers=headers).json() == {
        "created": 0, "updated": 1, "unchanged": 0}
    db.expire_all()
    updated = db.get(Need, need.id)
    assert updated is not None and updated.priority.value == "low"
    assert updated.country_code == "NPL" and updated.notes == "Re-assessed"  # others kept
    new = HEADER + ("KEN,water,demonstration,Fog nets,,adaptation,medium,TNA 2013,"
                    "https://example.org/ken,,\n")
    assert client.post("/api/v1/needs/import", content=new, headers=headers).json() == {
        "created": 1, "updated": 0, "unchanged": 0}
    created = db.scalar(select(Need).where(Need.technology_name == "Fog nets"))
    assert created is not None and created.status.value == "open"
    revision = db.scalar(select(Revision).where(Revision.entity_id == created.id))
    assert revision is not None and revision.note == "CSV import"


def test_one_bad_row_and_nothing_is_written(client: TestClient, db: Session) -> None:
    make_need(db)
    db.commit()
    before = counts(db)
    body = (HEADER
            + "KEN,water,demonstration,Fog nets,,adaptation,medium,,,,\n"        # line 2 ok
            + "XXX,water,demonstration,Bad country,,adaptation,medium,,,,\n"     # line 3
            + "KEN,space,demonstration,Bad sector,,adaptation,medium,,,,\n"      # line 4
            + '"KEN",water,research,"Multi\nline",,adaptation,urgent,,,,\n'      # lines 5-6
            + "KEN,water,research,Unknown ref,Nope,adaptation,low,,ftp://x,,\n"  # line 7
            + "KEN,water,research,Too short\n")                                  # line 8
    answer = client.post("/api/v1/needs/import", content=body, headers=curator(client, db))
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["message"] == "5 row(s) are not valid; nothing was imported."
    fields = error["fields"]
    assert set(fields) == {"line 3", "line 4", "line 5", "line 7", "line 8"}
    assert "country" in fields["line 3"] and "XXX" in fields["line 3"]
    assert fields["line 4"].startswith("sector:")
    assert fields["line 5"].startswith("priority:")
    assert "no technology named 'Nope'" in fields["line 7"]
    assert fields["line 8"] == "has 4 cells, the header has 11"
    assert counts(db) == before


def test_header_ids_and_encoding_are_checked(client: TestClient, db: Session) -> None:
    headers = curator(client, db)

    def fields(body: bytes) -> dict[str, str]:
        answer = client.post("/api/v1/needs/import", content=body, headers=headers)
        assert answer.status_code == 422
        return answer.json()["error"]["fields"]

    assert fields(b"country,sector,colour\n")["line 1"] == (
        "unknown column(s): colour; missing column(s): mitigation_adaptation, priority, stage")
    assert fields(b"") == {"body": "Field required"}  # no body at all
    with pytest.raises(ValidationFailed) as err:
        transfer.import_csv(db, data=b"", actor=None)
    assert err.value.fields == {"line 1": "no header row"}
    assert fields("café".encode("latin-1")) == {"file": "not UTF-8"}
    assert fields(b"id,priority\n999999,low\n") == {
        "line 2": "id: there is no need with id 999999"}
    need = make_need(db)
    db.commit()
    assert fields(f"id,priority\n{need.id},low\n{need.id},high\n".encode()) == {
        "line 3": f"id: {need.id} appears more than once"}
    # A UTF-8 byte-order mark (as spreadsheets write) is accepted.
    ok = client.post("/api/v1/needs/import",
                     content=b"\xef\xbb\xbf" + f"id,priority\n{need.id},low\n".encode(),
                     headers=headers)
    assert ok.json() == {"created": 0, "updated": 1, "unchanged": 0}
