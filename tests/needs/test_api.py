"""The needs API: public reads, curated writes with revision history."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import Role
from app.history.models import Revision
from app.needs.models import Need
from tests.factories import make_user, token_for
from tests.needs.factories import make_need

NEW = {"country_code": "npl", "sector": "energy_supply", "stage": "demonstration",
       "technology_name": "Micro-hydro", "mitigation_adaptation": "mitigation",
       "priority": "high", "source_title": "Technology Needs Assessment 2019",
       "source_url": "https://example.org/tna.pdf"}


def curator_headers(client: TestClient, db: Session) -> dict[str, str]:
    user = make_user(db, roles=[Role.CURATOR])
    return token_for(client, user.email or "")


def test_writes_need_a_curator(client: TestClient, db: Session) -> None:
    need = make_need(db)
    db.commit()
    solver = token_for(client, make_user(db).email or "")
    sponsor = token_for(client, make_user(db, roles=[Role.SPONSOR]).email or "")
    for method, url, body in [("post", "/api/v1/needs", NEW),
                              ("patch", f"/api/v1/needs/{need.id}", {"priority": "low"}),
                              ("delete", f"/api/v1/needs/{need.id}", None),
                              ("post", "/api/v1/needs/import", None)]:
        kwargs = {"json": body} if body else {}
        assert client.request(method, url, **kwargs).status_code == 401, url
        for headers in (solver, sponsor):
            answer = client.request(method, url, headers=headers, **kwargs)
            assert answer.status_code == 403, url
            assert answer.json()["error"]["code"] == "missing_role"
    assert db.scalar(select(func.count()).select_from(Need)) == 1
    admin = token_for(client, make_user(db, roles=[Role.ADMIN]).email or "")
    assert client.post("/api/v1/needs", json=NEW, headers=admin).status_code == 201


def test_reads_are_public(client: TestClient, db: Session) -> None:
    need = make_need(db, technology="Biogas digesters", dataset="demo")
    db.commit()
    listed = client.get("/api/v1/needs").json()
    assert listed["total"] == 1 and listed["items"][0]["technology_name"] == "Biogas digesters"
    assert listed["items"][0]["dataset"] == "demo"
    assert client.get(f"/api/v1/needs/{need.id}").json()["country_code"] == "NPL"
    assert client.get(f"/api/v1/needs/{need.id}/revisions").status_code == 200
    for path in ("/api/v1/gaps", "/api/v1/gaps/matrix", "/api/v1/needs/export",
                 "/api/v1/coordination/overlaps", "/api/v1/coordination/budgets",
                 "/api/v1/coordination/cells"):
        assert client.get(path).status_code == 200, path
    assert client.get("/api/v1/needs/999999").status_code == 404


def test_create_update_delete_keep_a_history(client: TestClient, db: Session) -> None:
    headers = curator_headers(client, db)
    created = client.post("/api/v1/needs", json=NEW, headers=headers)
    assert created.status_code == 201, created.text
    need = created.json()
    assert need["country_code"] == "NPL" and need["status"] == "open" and need["dataset"] is None
    url = f"/api/v1/needs/{need['id']}"
    changed = client.patch(url, json={"priority": "low", "notes": "Confirmed in 2021."},
                           headers=headers)
    assert changed.json()["priority"] == "low" and changed.json()["notes"] == "Confirmed in 2021."
    same = client.patch(url, json={"priority": "low"}, headers=headers)
    assert same.status_code == 200
    revisions = client.get(f"{url}/revisions").json()
    assert [(r["number"], r["action"]) for r in revisions] == [(2, "update"), (1, "create")]
    assert revisions[0]["changed_fields"] == ["notes", "priority"]
    assert revisions[0]["snapshot"]["priority"] == "low"
    assert client.patch(url, json={"source_url": None}, headers=headers).json()[
        "source_url"] is None
    assert client.delete(url, headers=headers).status_code == 204
    assert client.get(url).status_code == 404
    history = client.get(f"{url}/revisions").json()
    assert [r["action"] for r in history] == ["delete", "update", "update", "create"]
    assert db.scalar(select(func.count()).select_from(Revision)
                     .where(Revision.entity_type == "need")) == 4


def test_invalid_needs_are_refused_field_by_field(client: TestClient, db: Session) -> None:
    headers = curator_headers(client, db)
    answer = client.post("/api/v1/needs", json={**NEW, "country_code": "XXX",
                                                "source_url": "javascript:alert(1)",
                                                "technology_id": 4242}, headers=headers)
    assert answer.status_code == 422
    assert set(answer.json()["error"]["fields"]) == {"country_code", "source_url",
                                                     "technology_id"}
    answer = client.post("/api/v1/needs", json={**NEW, "sector": "space", "colour": "red"},
                         headers=headers)
    assert answer.status_code == 422 and {"sector", "colour"} <= set(
        answer.json()["error"]["fields"])
    need = make_need(db)
    db.commit()
    answer = client.patch(f"/api/v1/needs/{need.id}", json={"priority": None}, headers=headers)
    assert answer.status_code == 422
    assert answer.json()["error"]["fields"] == {"priority": "may not be null"}
    assert db.scalar(select(func.count()).select_from(Need)) == 1


def test_needs_list_filters(client: TestClient, db: Session) -> None:
    make_need(db, country="NPL", sector="water")
    make_need(db, country="FJI", sector="water", status="addressed")
    make_need(db, country="KEN", sector="transport")
    db.commit()

    def countries(**params: str) -> list[str]:
        return [n["country_code"] for n in client.get("/api/v1/needs", params=params
                                                      ).json()["items"]]

    assert countries() == ["FJI", "KEN", "NPL"]
    assert countries(group="SIDS") == ["FJI"]
    assert countries(sector="water", status="open") == ["NPL"]
    assert client.get("/api/v1/needs", params={"country": "ZZZ"}).status_code == 422
