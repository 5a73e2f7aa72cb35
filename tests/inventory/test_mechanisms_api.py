from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.history.models import Revision
from app.inventory.models import Mechanism, MechanismLink
from tests.inventory.factories import curator, make_mechanism, solver

CTCN: dict[str, Any] = {
    "name": "Climate Technology Centre and Network", "acronym": "CTCN", "kind": "un_body",
    "hosts": ["UNEP", "UNIDO"], "description": "Technical assistance on **request**.",
    "functions": ["technical_assistance", "capacity_building"], "sectors": ["energy_supply"],
    "stages": ["diffusion"], "scope": ["WORLD"], "website": "https://www.ctc-n.org",
    "founded_year": 2013, "status": "active",
    "budget": {"amount_minor": 1250000000, "currency": "USD", "year": 2022, "note": None},
    "sources": ["https://www.ctc-n.org/about-ctcn"],
}


def _count(db: Session, model: type[Any] = Mechanism) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(model)) or 0


def test_create_read_update_delete_with_roles(client: TestClient, db: Session) -> None:
    assert client.post("/api/v1/mechanisms", json=CTCN).status_code == 401
    refused = client.post("/api/v1/mechanisms", json=CTCN, headers=solver(client, db))
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "missing_role"
    assert _count(db) == 0

    headers = curator(client, db)
    created = client.post("/api/v1/mechanisms", json=CTCN, headers=headers)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["hosts"] == ["UNEP", "UNIDO"] and body["scope"] == ["WORLD"]
    assert body["functions"] == ["capacity_building", "technical_assistance"]
    assert body["budget"]["amount_minor"] == 1250000000 and body["stale"] is True

    public = client.get(f"/api/v1/mechanisms/{body['id']}")
    assert public.status_code == 200 and public.json()["acronym"] == "CTCN"

    patch = {"status": "closed", "scope": ["ldc", "NPL"]}
    assert client.patch(f"/api/v1/mechanisms/{body['id']}", json=patch).status_code == 401
    assert client.patch(f"/api/v1/mechanisms/{body['id']}", json=patch,
                        headers=solver(client, db)).status_code == 403
    changed = client.patch(f"/api/v1/mechanisms/{body['id']}", json=patch, headers=headers)
    assert changed.status_code == 200, changed.text
    assert changed.json()["status"] == "closed" and changed.json()["scope"] == ["LDC", "NPL"]
    assert changed.json()["name"] == CTCN["name"]

    revisions = client.get(f"/api/v1/mechanisms/{body['id']}/revisions").json()
    assert [r["action"] for r in revisions] == ["update", "create"]
    assert revisions[0]["changed_fields"] == ["scope", "status"]

    assert client.delete(f"/api/v1/mechanisms/{body['id']}").status_code == 401
    assert client.delete(f"/api/v1/mechanisms/{body['id']}",
                         headers=solver(client, db)).status_code == 403
    assert client.delete(f"/api/v1/mechanisms/{body['id']}", headers=headers).status_code == 204
    assert client.get(f"/api/v1/mechanisms/{body['id']}").status_code == 404
    after = client.get(f"/api/v1/mechanisms/{body['id']}/revisions").json()
    assert [r["action"] for r in after] == ["delete", "update", "create"]


@pytest.mark.parametrize(("change", "field"), [
    ({"scope": ["WORLD", "XYZ"]}, "scope"),
    ({"sectors": ["energy_supply", "space_mining"]}, "sectors"),
    ({"stages": ["prototype"]}, "stages"),
    ({"functions": ["lobbying"]}, "functions"),
    ({"budget": {"amount_minor": -1, "currency": "USD", "year": 2022}}, "budget.amount_minor"),
    ({"budget": {"amount_minor": 10.5, "currency": "USD", "year": 2022}},
     "budget.amount_minor"),
    ({"budget": {"amount_minor": 100, "currency": "XXY", "year": 2022}}, "budget.currency"),
    ({"kind": "club"}, "kind"),
    ({"founded_year": "2013"}, "founded_year"),
    ({"website": "javascript:alert(1)"}, "website"),
    ({"owner": "me"}, "owner"),
])
def test_bad_input_names_the_field_and_stores_nothing(client: TestClient, db: Session,
                                                      change: dict[str, Any], field: str) -> None:
    response = client.post("/api/v1/mechanisms", json={**CTCN, **change},
                           headers=curator(client, db))
    assert response.status_code == 422, response.text
    assert field in response.json()["error"]["fields"], response.json()
    assert _count(db) == 0
    assert db.scalar(select(func.count()).select_from(Revision)) == 0


def test_bad_patch_changes_nothing(client: TestClient, db: Session) -> None:
    mechanism = make_mechanism(db, name="Original", scope=["LDC"])
    response = client.patch(f"/api/v1/mechanisms/{mechanism.id}",
                            json={"name": "Renamed", "scope": ["NOWHERE"]},
                            headers=curator(client, db))
    assert response.status_code == 422
    assert "unknown code(s): NOWHERE" in response.json()["error"]["fields"]["scope"]
    assert client.get(f"/api/v1/mechanisms/{mechanism.id}").json()["name"] == "Original"


def test_duplicate_name_is_a_409_naming_name(client: TestClient, db: Session) -> None:
    make_mechanism(db, name=CTCN["name"])
    response = client.post("/api/v1/mechanisms",
                           json={**CTCN, "name": CTCN["name"].upper()},
                           headers=curator(client, db))
    assert response.status_code == 409
    assert "name" in response.json()["error"]["fields"]
    assert _count(db) == 1


def test_links_between_mechanisms(client: TestClient, db: Session) -> None:
    ctcn = make_mechanism(db, name="Climate Technology Centre and Network")
    gcf = make_mechanism(db, name="Green Climate Fund", kind="fund")
    headers = curator(client, db)
    url = f"/api/v1/mechanisms/{ctcn.id}/links"
    body = {"target_id": gcf.id, "type": "funded_by", "note": "readiness programme"}
    assert client.post(url, json=body).status_code == 401
    assert client.post(url, json=body, headers=solver(client, db)).status_code == 403
    created = client.post(url, json=body, headers=headers)
    assert created.status_code == 201, created.text
    assert created.json()["target_name"] == "Green Climate Fund"
    assert client.post(url, json=body, headers=headers).status_code == 409

    self_link = client.post(url, json={"target_id": ctcn.id, "type": "partner_of"},
                            headers=headers)
    assert self_link.status_code == 422
    assert self_link.json()["error"]["fields"] == {
        "target_id": "a mechanism cannot link to itself"}
    unknown = client.post(url, json={"target_id": 999999, "type": "partner_of"},
                          headers=headers)
    assert unknown.status_code == 422 and "target_id" in unknown.json()["error"]["fields"]
    bad_type = client.post(url, json={"target_id": gcf.id, "type": "married_to"},
                           headers=headers)
    assert bad_type.status_code == 422 and "type" in bad_type.json()["error"]["fields"]
    assert _count(db, MechanismLink) == 1

    incoming = client.get(f"/api/v1/mechanisms/{gcf.id}/links").json()
    assert [(link["source_name"], link["type"]) for link in incoming] == [
        ("Climate Technology Centre and Network", "funded_by")]
    revisions = client.get(f"/api/v1/mechanisms/{ctcn.id}/revisions").json()
    assert revisions[0]["action"] == "link"
    assert revisions[0]["snapshot"]["links"] == [
        {"type": "funded_by", "target_id": gcf.id, "note": "readiness programme"}]

    link_id = created.json()["id"]
    assert client.delete(f"{url}/{link_id}", headers=headers).status_code == 204
    assert client.get(url).json() == []
    assert client.delete(f"{url}/{link_id}", headers=headers).status_code == 404


def test_deleting_a_mechanism_records_the_loss_on_records_pointing_at_it(
        client: TestClient, db: Session) -> None:
    fund = make_mechanism(db, name="A fund", kind="fund")
    network = make_mechanism(db, name="A network")
    headers = curator(client, db)
    client.post(f"/api/v1/mechanisms/{network.id}/links",
                json={"target_id": fund.id, "type": "funded_by"}, headers=headers)
    assert client.delete(f"/api/v1/mechanisms/{fund.id}", headers=headers).status_code == 204
    revisions = client.get(f"/api/v1/mechanisms/{network.id}/revisions").json()
    assert revisions[0]["action"] == "unlink" and revisions[0]["note"] == "A fund was deleted"
    assert revisions[0]["snapshot"]["links"] == []


def test_unknown_mechanism_is_404_json(client: TestClient) -> None:
    response = client.get("/api/v1/mechanisms/424242")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_bad_fields_are_named_together(client: TestClient, db: Session) -> None:
    """The body's shape is checked first (all its problems at once), then the rules that need
    the database (known codes, a free name), again all at once."""
    make_mechanism(db, name=CTCN["name"])
    headers = curator(client, db)
    shape = client.post("/api/v1/mechanisms", headers=headers, json={
        **CTCN, "scope": ["ATLANTIS"], "sectors": ["space"], "founded_year": 1066})
    assert shape.status_code == 422
    assert set(shape.json()["error"]["fields"]) == {"sectors", "founded_year"}
    rules = client.post("/api/v1/mechanisms", headers=headers,
                        json={**CTCN, "scope": ["ATLANTIS"]})
    assert rules.status_code == 422
    assert set(rules.json()["error"]["fields"]) == {"scope", "name"}
    assert _count(db) == 1
