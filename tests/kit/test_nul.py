"""U+0000 is refused everywhere text comes in (PostgreSQL cannot store it: it was a 500 there
only), as a 422 naming the field, and nothing is written."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import Role, User
from app.inventory.models import Mechanism
from app.kit.nul import contains_nul
from app.needs.models import Need
from tests.factories import csrf_from, make_user, token_for

PROBLEM = "must not contain the NUL character (U+0000)"


def test_contains_nul_looks_inside_lists_and_mappings() -> None:
    assert contains_nul("a\x00b") and contains_nul(["ok", ("x\x00",)])
    assert contains_nul({"k\x00": "v"}) and contains_nul({"k": ["v\x00"]})
    assert not contains_nul(["ok", {"k": "v"}, 0, None, b"\x00"])


def test_a_json_body_with_nul_is_a_422_naming_the_field(client: TestClient, db: Session) -> None:
    make_user(db, roles=[Role.CURATOR], email="curator@example.org")
    headers = token_for(client, "curator@example.org")
    for body, field in (({"name": "Solar\x00", "kind": "programme"}, "name"),
                        ({"name": "Solar", "kind": "programme", "sources": ["ok", "x\x00"]},
                         "sources")):
        response = client.post("/api/v1/mechanisms", json=body, headers=headers)
        assert response.status_code == 422, response.text
        assert response.json()["error"]["fields"] == {field: PROBLEM}
    assert db.scalar(select(func.count()).select_from(Mechanism)) == 0


def test_query_and_path_parameters_with_nul_are_a_422(client: TestClient) -> None:
    for url, field in (("/api/v1/challenges?q=cold%00room", "q"),
                       ("/api/v1/gaps?country=N%00L", "country"),
                       ("/api/v1/reference/countries/N%00L", "code")):
        response = client.get(url)
        assert response.status_code == 422, (url, response.text)
        assert response.json()["error"] == {
            "code": "nul_character", "message": "Text must not contain the NUL character (U+0000).",
            "fields": {field: PROBLEM}}
    page = client.get("/challenges?q=%00")
    assert page.status_code == 422 and PROBLEM in page.text


def test_a_form_with_nul_is_refused_and_creates_nothing(client: TestClient, db: Session) -> None:
    page = client.get("/signup")
    response = client.post("/signup", data={
        "email": "asha@example.org", "password": "correct horse battery staple 42",
        "display_name": "Asha\x00", "country_code": "NPL", "csrf_token": csrf_from(page.text)})
    assert response.status_code == 422 and PROBLEM in response.text
    assert db.scalar(select(func.count()).select_from(User)) == 0


def test_imports_refuse_nul_row_by_row_and_write_nothing(client: TestClient, db: Session) -> None:
    make_user(db, roles=[Role.CURATOR], email="curator@example.org")
    headers = token_for(client, "curator@example.org")
    document = client.get("/api/v1/inventory/export", headers=headers).json()
    document["mechanisms"].append({"name": "Bad\x00name", "kind": "programme"})
    response = client.post("/api/v1/inventory/import", content=json.dumps(document),
                           headers={**headers, "content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"mechanisms[0].name": PROBLEM}
    rows = ("country,sector,stage,technology,mitigation_adaptation,priority,notes\n"
            "NPL,energy_supply,diffusion,Solar pumps,mitigation,high,bad\x00note\n")
    response = client.post("/api/v1/needs/import", content=rows.encode(),
                           headers={**headers, "content-type": "text/csv"})
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"line 2": f"notes: {PROBLEM}"}
    assert db.scalar(select(func.count()).select_from(Mechanism)) == 0
    assert db.scalar(select(func.count()).select_from(Need)) == 0
