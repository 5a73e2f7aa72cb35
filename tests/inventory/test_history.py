"""Restoring old revisions, staleness and "mark verified"."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.db import utcnow
from app.inventory import mechanisms
from tests.inventory.factories import curator, make_mechanism, make_technology, solver


def test_restore_brings_back_an_old_revision_as_a_new_one(client: TestClient,
                                                          db: Session) -> None:
    mechanism = make_mechanism(db, name="Original name", functions=["finance"])
    headers = curator(client, db)
    url = f"/api/v1/mechanisms/{mechanism.id}"
    client.patch(url, json={"name": "Renamed", "functions": ["matchmaking"]}, headers=headers)
    assert client.post(f"{url}/revisions/1/restore").status_code == 401
    assert client.post(f"{url}/revisions/1/restore",
                       headers=solver(client, db)).status_code == 403
    restored = client.post(f"{url}/revisions/1/restore", headers=headers)
    assert restored.status_code == 200, restored.text
    assert restored.json()["name"] == "Original name"
    assert restored.json()["functions"] == ["finance"]
    revisions = client.get(f"{url}/revisions").json()
    assert [(r["number"], r["action"], r["note"]) for r in revisions] == [
        (3, "restore", "restored revision 1"), (2, "update", None), (1, "create", None)]
    assert client.post(f"{url}/revisions/9/restore", headers=headers).status_code == 404


def test_a_deleted_mechanism_comes_back_with_its_id_and_links(client: TestClient,
                                                              db: Session) -> None:
    fund = make_mechanism(db, name="A fund", kind="fund")
    network = make_mechanism(db, name="A network")
    headers = curator(client, db)
    client.post(f"/api/v1/mechanisms/{network.id}/links",
                json={"target_id": fund.id, "type": "funded_by", "note": "since 2020"},
                headers=headers)
    client.delete(f"/api/v1/mechanisms/{network.id}", headers=headers)
    revisions = client.get(f"/api/v1/mechanisms/{network.id}/revisions").json()
    assert revisions[0]["action"] == "delete"
    back = client.post(f"/api/v1/mechanisms/{network.id}/revisions/{revisions[0]['number']}"
                       "/restore", headers=headers)
    assert back.status_code == 200 and back.json()["id"] == network.id
    links = client.get(f"/api/v1/mechanisms/{network.id}/links").json()
    assert [(link["target_name"], link["type"], link["note"]) for link in links] == [
        ("A fund", "funded_by", "since 2020")]
    search = client.get("/api/v1/mechanisms", params={"q": "network"}).json()
    assert [m["id"] for m in search["items"]] == [network.id]


def test_restore_of_a_technology(client: TestClient, db: Session) -> None:
    technology = make_technology(db, name="Cold room", summary="first")
    headers = curator(client, db)
    url = f"/api/v1/technologies/{technology.id}"
    client.patch(url, json={"summary": "second"}, headers=headers)
    restored = client.post(f"{url}/revisions/1/restore", headers=headers)
    assert restored.status_code == 200 and restored.json()["summary"] == "first"


def test_stale_flag_and_mark_verified(client: TestClient, db: Session, settings: object) -> None:
    never = make_mechanism(db, name="Never verified")
    old = make_mechanism(db, name="Verified long ago")
    recent = make_mechanism(db, name="Verified recently")
    old.last_verified_at = utcnow() - dt.timedelta(days=366)
    recent.last_verified_at = utcnow() - dt.timedelta(days=364)
    db.commit()
    listed = client.get("/api/v1/mechanisms").json()["items"]
    assert {m["name"]: m["stale"] for m in listed} == {
        "Never verified": True, "Verified long ago": True, "Verified recently": False}
    stale_only = client.get("/api/v1/mechanisms", params={"verification": "stale"}).json()
    assert [m["name"] for m in stale_only["items"]] == ["Never verified", "Verified long ago"]

    url = f"/api/v1/mechanisms/{never.id}/verify"
    assert client.post(url).status_code == 401
    assert client.post(url, headers=solver(client, db)).status_code == 403
    verified = client.post(url, json={"note": "checked the website"},
                           headers=curator(client, db))
    assert verified.status_code == 200 and verified.json()["stale"] is False
    when = dt.datetime.fromisoformat(verified.json()["last_verified_at"])
    assert abs((utcnow() - when).total_seconds()) < 60
    revision = client.get(f"/api/v1/mechanisms/{never.id}/revisions").json()[0]
    assert (revision["action"], revision["note"]) == ("verify", "checked the website")
    assert revision["changed_fields"] == ["last_verified_at"]
    by_verification = client.get("/api/v1/mechanisms", params={"sort": "verified"}).json()
    assert [m["name"] for m in by_verification["items"]] == [
        "Never verified", "Verified recently", "Verified long ago"]


def test_stale_after_days_comes_from_the_settings(client: TestClient, db: Session,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from app.config import get_settings

    mechanism = make_mechanism(db, name="Checked ten days ago")
    mechanism.last_verified_at = utcnow() - dt.timedelta(days=10)
    db.commit()
    assert mechanisms.mechanism_read(mechanism)["stale"] is False
    monkeypatch.setattr(get_settings(), "stale_after_days", 7)
    assert mechanisms.mechanism_read(mechanism)["stale"] is True
    assert client.get(f"/api/v1/mechanisms/{mechanism.id}").json()["stale"] is True
