"""Demonstration needs: loaded idempotently from the seed file and labelled wherever shown."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.demo import demo_loaders
from app.inventory.models import Availability, Technology
from app.needs import seed
from app.needs.models import Need, NeedStatus
from app.reference.vocab import Stage

DOCUMENT = json.loads(seed.DEMO_FILE.read_text(encoding="utf-8"))


def test_the_loader_is_found_by_convention() -> None:
    assert seed.load_demo in demo_loaders() and seed.SEED_ORDER == 40


def test_loading_twice_changes_nothing_and_keeps_curators_status(db: Session) -> None:
    db.add(Technology(name="Micro-hydropower", stage=Stage.DIFFUSION,
                      availability=Availability.PUBLIC_DOMAIN))
    db.flush()
    first = seed.load_demo(db)
    db.commit()
    total = len(DOCUMENT["needs"])
    assert first[0].startswith(f"Needs: {total} demonstration needs")
    assert f"{total} created, 0 updated" in first[0]
    assert db.scalar(select(func.count()).select_from(Need)
                     .where(Need.dataset == "demo")) == total
    nepal = db.scalar(select(Need).where(Need.technology_name ==
                                         DOCUMENT["needs"][0]["technology"]))
    assert nepal is not None and nepal.technology_id is not None   # technology_ref resolved
    assert nepal.country_code == DOCUMENT["needs"][0]["country"]
    unresolved = {n["technology_ref"] for n in DOCUMENT["needs"]
                  if n["technology_ref"] and n["technology_ref"] != "Micro-hydropower"}
    assert unresolved and "left unlinked" in first[1]   # the inventory loads the rest
    nepal.status = NeedStatus.ADDRESSED
    db.commit()
    again = seed.load_demo(db)
    db.commit()
    assert "0 created, 0 updated" in again[0]
    assert db.scalar(select(func.count()).select_from(Need)) == total
    db.refresh(nepal)
    assert nepal.status == NeedStatus.ADDRESSED


def test_demo_needs_are_labelled_where_needs_are_shown(client: TestClient, db: Session) -> None:
    seed.load_demo(db)
    db.commit()
    need = db.scalar(select(Need).order_by(Need.id).limit(1))
    assert need is not None
    for url in ("/gaps", "/needs", f"/needs/{need.id}", f"/countries/{need.country_code}"):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "demonstration data" in page.text, url
    assert client.get(f"/api/v1/needs/{need.id}").json()["dataset"] == "demo"
    first_gap = client.get("/api/v1/gaps").json()["items"][0]
    assert first_gap["need"]["dataset"] == "demo"
