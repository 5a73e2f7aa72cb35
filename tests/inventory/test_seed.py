"""The real seed files (app/inventory/data) load completely, idempotently, and never overwrite a
curator's work."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.history import service as history
from app.history.models import Revision
from app.inventory import mechanisms, records, seed, technologies
from app.inventory.models import Mechanism, Technology
from app.inventory.schemas import MechanismCreate, TechnologyCreate
from tests.inventory.factories import curator


def _files(data_dir: Path = seed.DATA_DIR) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    mechanisms_file = data_dir / seed.MECHANISMS_FILE
    technologies_file = data_dir / seed.TECHNOLOGIES_FILE
    assert mechanisms_file.exists() and technologies_file.exists(), "the seed files ship with the app"
    return (json.loads(mechanisms_file.read_text(encoding="utf-8")),
            json.loads(technologies_file.read_text(encoding="utf-8")))


def _revision_count(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(Revision)) or 0


def test_the_seed_loads_every_record_with_its_links(db: Session) -> None:
    rows_m, rows_t = _files()
    lines = seed.load_reference(db)
    db.commit()
    assert lines == [f"Inventory: mechanisms {len(rows_m)} created, 0 updated, 0 unchanged, "
                     "0 kept (curated)",
                     f"Inventory: technologies {len(rows_t)} created, 0 updated, 0 unchanged, "
                     "0 kept (curated)"]
    names = mechanisms.mechanism_names(db)
    for row in rows_m:
        found = mechanisms.find_mechanism(db, name=row["name"])
        assert found is not None, row["name"]
        expected = MechanismCreate.model_validate(
            {k: v for k, v in row.items() if k != "links"}).model_dump(mode="json")
        assert records.mechanism_content(found) == expected
        assert found.last_verified_at is None
        links = {(names[link["target_id"]], link["type"], link["note"])
                 for link in records.outgoing_links(db, found.id)}
        assert links == {(link["target"], link["type"], link.get("note"))
                         for link in row.get("links", [])}
        (revision,) = history.list_revisions(db, entity_type="mechanism", entity_id=found.id)
        assert (revision.action, revision.actor_id, revision.note) == ("create", None, "seed")
    for row in rows_t:
        tech = technologies.find_technology(db, name=row["name"])
        assert tech is not None, row["name"]
        content = records.technology_content(tech)
        related = sorted(names[i] for i in content.pop("related_mechanism_ids"))
        assert related == sorted(row["related_mechanisms"])
        expected = TechnologyCreate.model_validate(
            {k: v for k, v in row.items() if k != "related_mechanisms"}).model_dump(mode="json")
        expected.pop("related_mechanism_ids")
        assert content == expected
        assert tech.last_verified_at is None

    before = _revision_count(db)
    again = seed.load_reference(db)
    db.commit()
    assert again == [f"Inventory: mechanisms 0 created, 0 updated, {len(rows_m)} unchanged, "
                     "0 kept (curated)",
                     f"Inventory: technologies 0 created, 0 updated, {len(rows_t)} unchanged, "
                     "0 kept (curated)"]
    assert _revision_count(db) == before


def test_seed_records_are_searchable_and_flagged_stale(client: TestClient, db: Session) -> None:
    rows_m, _ = _files()
    assert any(r["name"] == "Climate Technology Centre and Network" for r in rows_m)
    seed.load_reference(db)
    db.commit()
    body = client.get("/api/v1/mechanisms", params={"q": "climate technology"}).json()
    assert body["items"][0]["name"] == "Climate Technology Centre and Network"
    assert body["items"][0]["stale"] is True
    everything = client.get("/api/v1/mechanisms", params={"limit": 200}).json()
    assert everything["total"] == len(rows_m)
    assert sum(v["count"] for v in everything["facets"]["verification"]) == len(rows_m)


def test_a_newer_seed_updates_only_what_no_curator_touched(client: TestClient, db: Session,
                                                           tmp_path: Path) -> None:
    rows_m, rows_t = _files()
    seed.load_reference(db)
    db.commit()
    first, second = rows_m[0]["name"], rows_m[1]["name"]
    curated = mechanisms.find_mechanism(db, name=first)
    assert curated is not None
    client.post(f"/api/v1/mechanisms/{curated.id}/verify", headers=curator(client, db))

    newer = tmp_path / "data"
    newer.mkdir()
    shutil.copy(seed.DATA_DIR / seed.TECHNOLOGIES_FILE, newer / seed.TECHNOLOGIES_FILE)
    for row in rows_m[:2]:
        row["description"] = "A newer description."
    (newer / seed.MECHANISMS_FILE).write_text(json.dumps(rows_m), encoding="utf-8")
    db.expire_all()
    lines = seed.load_reference(db, data_dir=newer)
    db.commit()
    assert lines[0] == (f"Inventory: mechanisms 0 created, 1 updated, {len(rows_m) - 2} "
                        "unchanged, 1 kept (curated)")
    kept = mechanisms.find_mechanism(db, name=first)
    updated = mechanisms.find_mechanism(db, name=second)
    assert kept is not None and updated is not None
    assert kept.description != "A newer description." and kept.last_verified_at is not None
    assert updated.description == "A newer description."
    latest = history.latest(db, entity_type="mechanism", entity_id=updated.id)
    assert latest is not None and (latest.action, latest.note) == ("import", "seed")
    assert db.scalar(select(func.count()).select_from(Technology)) == len(rows_t)


def test_without_seed_files_nothing_is_loaded(db: Session, tmp_path: Path) -> None:
    assert seed.load_reference(db, data_dir=tmp_path) == [
        f"Inventory: no seed files in {tmp_path}; nothing loaded."]
    assert db.scalar(select(func.count()).select_from(Mechanism)) == 0
