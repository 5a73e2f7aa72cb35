from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.inventory.models import Technology
from tests.inventory.factories import curator, make_mechanism, make_technology, solver

DRIP: dict[str, Any] = {
    "name": "Low-pressure drip irrigation kit", "summary": "Gravity-fed drip lines for small plots.",
    "description": "Uses a raised tank; no pump.", "sectors": ["water", "agriculture_forestry"],
    "stage": "diffusion", "trl": 9, "mitigation_adaptation": "adaptation",
    "availability": "public_domain", "licence_id": None, "provider": None,
    "countries_deployed": ["ken", "NPL"], "related_mechanism_ids": [],
    "links": ["https://example.org/drip"],
}


def _count(db: Session) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(Technology)) or 0


def test_create_read_update_delete_with_roles(client: TestClient, db: Session) -> None:
    ctcn = make_mechanism(db, name="Climate Technology Centre and Network")
    body = {**DRIP, "related_mechanism_ids": [ctcn.id]}
    assert client.post("/api/v1/technologies", json=body).status_code == 401
    assert client.post("/api/v1/technologies", json=body,
                       headers=solver(client, db)).status_code == 403
    headers = curator(client, db)
    created = client.post("/api/v1/technologies", json=body, headers=headers)
    assert created.status_code == 201, created.text
    data = created.json()
    assert data["countries_deployed"] == ["KEN", "NPL"]
    assert data["related_mechanism_ids"] == [ctcn.id] and data["stale"] is True

    assert client.get(f"/api/v1/technologies/{data['id']}").json()["trl"] == 9
    moved = client.patch(f"/api/v1/technologies/{data['id']}",
                         json={"stage": "demonstration", "trl": 6}, headers=headers)
    assert moved.status_code == 200 and moved.json()["stage"] == "demonstration"
    # only the stage: TRL 6 no longer fits market formation (TRL 8), so nothing changes
    refused = client.patch(f"/api/v1/technologies/{data['id']}",
                           json={"stage": "market_formation"}, headers=headers)
    assert refused.status_code == 422 and "trl" in refused.json()["error"]["fields"]
    assert client.get(f"/api/v1/technologies/{data['id']}").json()["stage"] == "demonstration"

    assert client.delete(f"/api/v1/technologies/{data['id']}",
                         headers=solver(client, db)).status_code == 403
    assert client.delete(f"/api/v1/technologies/{data['id']}", headers=headers).status_code == 204
    revisions = client.get(f"/api/v1/technologies/{data['id']}/revisions").json()
    assert [r["action"] for r in revisions] == ["delete", "update", "create"]
    assert _count(db) == 0


@pytest.mark.parametrize(("change", "field"), [
    ({"stage": "research", "trl": 9}, "trl"),
    ({"stage": "diffusion", "trl": 5}, "trl"),
    ({"trl": 10}, "trl"),
    ({"trl": "9"}, "trl"),
    ({"availability": "open_licence", "licence_id": None}, "licence_id"),
    ({"availability": "open_licence", "licence_id": "  "}, "licence_id"),
    ({"countries_deployed": ["KEN", "XXA"]}, "countries_deployed"),
    ({"sectors": ["mining"]}, "sectors"),
    ({"stage": "prototype"}, "stage"),
    ({"related_mechanism_ids": [987654]}, "related_mechanism_ids"),
    ({"links": ["ftp://example.org/file"]}, "links"),
    ({"colour": "green"}, "colour"),
])
def test_bad_input_names_the_field_and_stores_nothing(client: TestClient, db: Session,
                                                      change: dict[str, Any], field: str) -> None:
    response = client.post("/api/v1/technologies", json={**DRIP, **change},
                           headers=curator(client, db))
    assert response.status_code == 422, response.text
    assert field in response.json()["error"]["fields"], response.json()
    assert _count(db) == 0


def test_open_licence_with_licence_is_accepted(client: TestClient, db: Session) -> None:
    response = client.post("/api/v1/technologies", json={
        **DRIP, "availability": "open_licence", "licence_id": "CERN-OHL-S-2.0"},
        headers=curator(client, db))
    assert response.status_code == 201 and response.json()["licence_id"] == "CERN-OHL-S-2.0"


def test_duplicate_name_is_a_409(client: TestClient, db: Session) -> None:
    make_technology(db, name=DRIP["name"])
    response = client.post("/api/v1/technologies", json=DRIP, headers=curator(client, db))
    assert response.status_code == 409 and "name" in response.json()["error"]["fields"]
    assert _count(db) == 1


def test_deleting_a_mechanism_takes_it_off_its_technologies(client: TestClient,
                                                            db: Session) -> None:
    fund = make_mechanism(db, name="Some fund", kind="fund")
    technology = make_technology(db, related_mechanism_ids=[fund.id])
    headers = curator(client, db)
    assert client.delete(f"/api/v1/mechanisms/{fund.id}", headers=headers).status_code == 204
    assert client.get(f"/api/v1/technologies/{technology.id}").json()[
        "related_mechanism_ids"] == []
    revisions = client.get(f"/api/v1/technologies/{technology.id}/revisions").json()
    assert revisions[0]["note"] == "Some fund was deleted"
    assert revisions[0]["changed_fields"] == ["related_mechanism_ids"]
