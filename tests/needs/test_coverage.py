"""The coverage rule on the real reference data, and the SQL side that feeds gaps.py."""

from __future__ import annotations

import gc

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.errors import ValidationFailed
from app.inventory.models import MechanismScope, MechanismStatus
from app.needs import coverage
from app.needs.coverage import GapFilters
from tests.needs.factories import make_mechanism, make_need


def covering(db: Session, need_id: int) -> set[int]:
    analysis = coverage.analyse(db, GapFilters(status="all"))
    page = coverage.gap_page(db, analysis, offset=0, limit=200)
    return set(next(g.covering for g in page if g.need.id == need_id))


def test_an_ldc_need_is_covered_through_ldc_but_not_through_a_region_it_is_not_in(
        db: Session) -> None:
    ldc = make_mechanism(db, name="For LDCs", scope=["LDC"])
    africa = make_mechanism(db, name="For Africa", scope=["M49-002"])
    asia = make_mechanism(db, name="For Asia", scope=["M49-142"])
    need = make_need(db, country="NPL")  # Nepal: an LDC in Asia
    db.commit()
    assert covering(db, need.id) == {ldc.id, asia.id}
    assert africa.id not in covering(db, need.id)


def test_membership_is_judged_today(db: Session) -> None:
    """São Tomé and Príncipe left the LDCs on 2024-12-13: an LDC mechanism no longer covers it,
    an Africa one does."""
    ldc = make_mechanism(db, scope=["LDC"])
    africa = make_mechanism(db, scope=["M49-002"])
    need = make_need(db, country="STP")
    db.commit()
    assert covering(db, need.id) == {africa.id}
    assert ldc.id not in covering(db, need.id)


def test_a_closed_mechanism_covers_nothing_and_the_answer_follows_changes(db: Session) -> None:
    mechanism = make_mechanism(db, scope=["WORLD"])
    need = make_need(db, country="KEN")
    db.commit()
    assert covering(db, need.id) == {mechanism.id}
    mechanism.status = MechanismStatus.CLOSED
    db.commit()
    assert covering(db, need.id) == set()   # the cached index is keyed by the data itself
    mechanism.status = MechanismStatus.ACTIVE
    mechanism.scope = [MechanismScope(group_code="SIDS")]
    db.commit()
    assert covering(db, need.id) == set()


def test_only_functions_that_count_for_the_stage_cover(db: Session) -> None:
    platform = make_mechanism(db, stages=["demonstration", "diffusion"],
                              functions=["knowledge_sharing", "policy_advice"])
    pilot = make_need(db, stage="demonstration")
    spread = make_need(db, stage="diffusion")
    db.commit()
    assert covering(db, pilot.id) == set()
    assert covering(db, spread.id) == {platform.id}


def test_filters_are_checked(db: Session) -> None:
    with pytest.raises(ValidationFailed) as err:
        coverage.analyse(db, GapFilters(country="XXX"))
    assert "country" in err.value.fields
    with pytest.raises(ValidationFailed) as err:
        coverage.analyse(db, GapFilters(group="NOPE"))
    assert err.value.fields == {"group": "unknown country group code"}
    assert coverage.analyse(db, GapFilters(country="npl")).filters.country == "NPL"


def test_the_collector_is_running_again_after_an_analysis(db: Session) -> None:
    make_need(db)
    db.commit()
    assert gc.isenabled()
    coverage.analyse(db, GapFilters())
    assert gc.isenabled()
    with pytest.raises(ValidationFailed):
        coverage.analyse(db, GapFilters(group="NOPE"))
    assert gc.isenabled()


def test_status_filter_and_addressed_needs(client: TestClient, db: Session) -> None:
    make_need(db, status="addressed", technology="Done already")
    make_need(db, technology="Still open")
    db.commit()
    names = {s: [i["need"]["technology_name"] for i in
                 client.get("/api/v1/gaps", params={"status": s}).json()["items"]]
             for s in ("open", "addressed", "all")}
    assert names == {"open": ["Still open"], "addressed": ["Done already"],
                     "all": ["Done already", "Still open"]}


def test_pages_of_gaps_join_up_without_gaps_or_repeats(client: TestClient, db: Session) -> None:
    for i in range(7):
        make_need(db, country=["NPL", "KEN", "FJI"][i % 3], priority=["high", "low"][i % 2])
    make_mechanism(db, scope=["SIDS"])
    db.commit()
    whole = [i["need"]["id"] for i in client.get("/api/v1/gaps", params={"limit": 50}
                                                 ).json()["items"]]
    paged = [i["need"]["id"] for offset in range(0, 7, 3) for i in client.get(
        "/api/v1/gaps", params={"limit": 3, "offset": offset}).json()["items"]]
    assert len(whole) == 7 and paged == whole
    assert client.get("/api/v1/gaps", params={"limit": 0}).status_code == 422
