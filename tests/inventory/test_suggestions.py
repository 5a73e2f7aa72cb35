from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import Role
from app.inventory.models import Mechanism
from tests.factories import login
from tests.inventory.factories import headers_for, make_mechanism, make_technology


def test_a_suggested_edit_waits_for_a_curator_then_shows_in_the_history(
        client: TestClient, db: Session) -> None:
    mechanism = make_mechanism(db, name="Climate Technology Centre and Network",
                               functions=["technical_assistance"], scope=["WORLD"])
    author, solver = headers_for(client, db, Role.SOLVER)
    _, curator = headers_for(client, db, Role.CURATOR)
    assert client.post("/api/v1/suggestions", json={
        "entity_type": "mechanism", "entity_id": mechanism.id,
        "payload": {"acronym": "CTCN"}}).status_code == 401

    sent = client.post("/api/v1/suggestions", headers=solver, json={
        "entity_type": "mechanism", "entity_id": mechanism.id,
        "payload": {"acronym": "CTCN", "functions": ["technical_assistance", "matchmaking"]},
        "comment": "See the CTCN website."})
    assert sent.status_code == 201, sent.text
    suggestion = sent.json()
    assert suggestion["status"] == "pending" and suggestion["base_revision"] == 1
    assert {c["field"]: c["after"] for c in suggestion["changes"]} == {
        "acronym": "CTCN", "functions": ["matchmaking", "technical_assistance"]}

    # nothing changed yet
    record = client.get(f"/api/v1/mechanisms/{mechanism.id}").json()
    assert record["acronym"] is None and record["functions"] == ["technical_assistance"]
    assert len(client.get(f"/api/v1/mechanisms/{mechanism.id}/revisions").json()) == 1

    # the author sees it; a solver cannot decide
    mine = client.get("/api/v1/suggestions", headers=solver).json()["items"]
    assert [s["id"] for s in mine] == [suggestion["id"]]
    url = f"/api/v1/suggestions/{suggestion['id']}"
    assert client.post(f"{url}/accept", headers=solver).status_code == 403

    queue = client.get("/api/v1/suggestions", headers=curator).json()["items"]
    assert [s["id"] for s in queue] == [suggestion["id"]]
    accepted = client.post(f"{url}/accept", headers=curator)
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert client.post(f"{url}/accept", headers=curator).status_code == 409
    (told,) = client.get("/api/v1/me/messages", headers=solver).json()["items"]
    assert told["subject"] == "Your suggestion was applied: Climate Technology Centre and Network"

    record = client.get(f"/api/v1/mechanisms/{mechanism.id}").json()
    assert record["acronym"] == "CTCN"
    assert record["functions"] == ["matchmaking", "technical_assistance"]
    revisions = client.get(f"/api/v1/mechanisms/{mechanism.id}/revisions").json()
    assert [(r["number"], r["action"]) for r in revisions] == [(2, "suggestion"), (1, "create")]
    assert revisions[0]["note"] == f"suggestion #{suggestion['id']} by {author.display_name}"
    diff = client.get(f"/api/v1/mechanisms/{mechanism.id}/revisions/compare",
                      params={"older": 1, "newer": 2}).json()
    assert diff == [
        {"field": "acronym", "before": None, "after": "CTCN"},
        {"field": "functions", "before": ["technical_assistance"],
         "after": ["matchmaking", "technical_assistance"]}]
    assert client.get("/api/v1/suggestions", headers=curator).json()["items"] == []


def test_rejecting_needs_a_reason_the_author_can_read(client: TestClient, db: Session) -> None:
    technology = make_technology(db, name="Cold room")
    _, solver = headers_for(client, db, Role.SOLVER)
    _, curator = headers_for(client, db, Role.CURATOR)
    suggestion = client.post("/api/v1/suggestions", headers=solver, json={
        "entity_type": "technology", "entity_id": technology.id,
        "payload": {"summary": "The best cold room in the world"}}).json()
    url = f"/api/v1/suggestions/{suggestion['id']}/reject"
    for body in ({}, {"reason": ""}, {"reason": "   "}):
        refused = client.post(url, json=body, headers=curator)
        assert refused.status_code == 422 and "reason" in refused.json()["error"]["fields"]
    rejected = client.post(url, json={"reason": "No source for this claim."}, headers=curator)
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    mine = client.get("/api/v1/suggestions", headers=solver).json()["items"]
    assert mine[0]["decision_reason"] == "No source for this claim."
    (told,) = client.get("/api/v1/me/messages", headers=solver).json()["items"]
    assert told["subject"] == "Your suggestion was not applied: Cold room"
    assert "No source for this claim." in told["body"]
    assert f"/inventory/technologies/{technology.id}" in told["body"]
    assert client.get(f"/api/v1/technologies/{technology.id}").json()["summary"] == ""


def test_a_new_record_can_be_suggested(client: TestClient, db: Session) -> None:
    _, solver = headers_for(client, db, Role.SOLVER)
    _, curator = headers_for(client, db, Role.CURATOR)
    suggestion = client.post("/api/v1/suggestions", headers=solver, json={
        "entity_type": "mechanism", "payload": {
            "name": "Technology Bank for the Least Developed Countries", "kind": "un_body",
            "scope": ["LDC"], "functions": ["capacity_building"]}})
    assert suggestion.status_code == 201, suggestion.text
    assert db.scalar(select(func.count()).select_from(Mechanism)) == 0
    accepted = client.post(f"/api/v1/suggestions/{suggestion.json()['id']}/accept",
                           headers=curator).json()
    record = client.get(f"/api/v1/mechanisms/{accepted['entity_id']}").json()
    assert record["name"] == "Technology Bank for the Least Developed Countries"
    assert record["scope"] == ["LDC"]


def test_a_bad_suggestion_is_refused_at_once(client: TestClient, db: Session) -> None:
    mechanism = make_mechanism(db, name="Some network")
    _, solver = headers_for(client, db, Role.SOLVER)

    def suggest(payload: dict[str, object]) -> dict[str, object]:
        response = client.post("/api/v1/suggestions", headers=solver, json={
            "entity_type": "mechanism", "entity_id": mechanism.id, "payload": payload})
        assert response.status_code == 422, response.text
        fields: dict[str, object] = response.json()["error"]["fields"]
        return fields

    assert "scope" in suggest({"scope": ["NARNIA"]})
    assert "founded_year" in suggest({"founded_year": 1066.5})
    assert "secret" in suggest({"secret": "x"})
    assert "payload" in suggest({"name": "Some network"})  # no change at all
    missing = client.post("/api/v1/suggestions", headers=solver, json={
        "entity_type": "mechanism", "entity_id": 999999, "payload": {"acronym": "X"}})
    assert missing.status_code == 404
    assert client.get("/api/v1/suggestions", headers=solver).json()["items"] == []


def test_a_suggestion_for_a_deleted_record_cannot_be_applied(client: TestClient,
                                                             db: Session) -> None:
    mechanism = make_mechanism(db, name="Short-lived")
    _, solver = headers_for(client, db, Role.SOLVER)
    _, curator = headers_for(client, db, Role.CURATOR)
    suggestion = client.post("/api/v1/suggestions", headers=solver, json={
        "entity_type": "mechanism", "entity_id": mechanism.id,
        "payload": {"acronym": "SL"}}).json()
    client.delete(f"/api/v1/mechanisms/{mechanism.id}", headers=curator)
    response = client.post(f"/api/v1/suggestions/{suggestion['id']}/accept", headers=curator)
    assert response.status_code == 409 and response.json()["error"]["code"] == "record_gone"
    still = client.get(f"/api/v1/suggestions/{suggestion['id']}", headers=curator).json()
    assert still["status"] == "pending"


def test_others_cannot_see_someone_elses_suggestion(client: TestClient, db: Session) -> None:
    mechanism = make_mechanism(db)
    _, alice = headers_for(client, db, Role.SOLVER)
    _, bob = headers_for(client, db, Role.SOLVER)
    suggestion = client.post("/api/v1/suggestions", headers=alice, json={
        "entity_type": "mechanism", "entity_id": mechanism.id,
        "payload": {"acronym": "AB"}}).json()
    assert client.get(f"/api/v1/suggestions/{suggestion['id']}", headers=bob).status_code == 404
    assert client.get("/api/v1/suggestions", headers=bob).json()["items"] == []


def test_the_queue_comes_a_page_at_a_time(client: TestClient, db: Session) -> None:
    technology = make_technology(db, name="Cold room")
    _, solver = headers_for(client, db, Role.SOLVER)
    for n in range(27):
        sent = client.post("/api/v1/suggestions", headers=solver, json={
            "entity_type": "technology", "entity_id": technology.id,
            "payload": {"summary": f"Queued {n:02d}"}})
        assert sent.status_code == 201, sent.text
    curator_user, curator = headers_for(client, db, Role.CURATOR)
    page = client.get("/api/v1/suggestions?limit=10&offset=20", headers=curator).json()
    assert page["total"] == 27 and page["limit"] == 10 and page["offset"] == 20
    assert [s["payload"]["summary"] for s in page["items"]] == [
        f"Queued {n}" for n in range(20, 27)]
    login(client, curator_user.email or "")
    first = client.get("/inventory/suggestions").text
    assert "Moderation queue <small>(27)</small>" in first and "1–25 of 27" in first
    assert "Queued 24" in first and "Queued 25" not in first
    last = client.get("/inventory/suggestions?offset=25").text
    assert "Queued 26" in last and "Queued 00" not in last
