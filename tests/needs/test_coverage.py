"""The coverage rule on the real reference data, and the SQL side that feeds gaps.py."""

from __future__ import annotations

import datetime as dt
import gc

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.db import session_factory
from app.errors import ValidationFailed
from app.inventory import stamps
from app.inventory.models import Mechanism, MechanismScope, MechanismStatus
from app.needs import coverage, snapshot
from app.needs.coverage import GapFilters
from app.needs.models import Need, Priority
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
    assert covering(db, need.id) == set()   # the kept index is keyed by the mechanisms' stamp
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


def test_kept_results_follow_committed_writes_and_never_outlive_a_rollback(
        db: Session, database_url: str) -> None:
    """The index and the scored cells are kept between requests under change stamps: a write
    committed by another session is seen at once; one's own uncommitted write is seen by oneself
    only, and forgotten with the rollback."""
    mechanism = make_mechanism(db, scope=["WORLD"])
    need = make_need(db, country="KEN", priority="low")
    db.commit()
    assert covering(db, need.id) == {mechanism.id}
    kept = snapshot.current_coverage(db)
    assert snapshot.current_coverage(db) is kept  # nothing changed: the same index

    def top_score() -> str:
        return str(coverage.analyse(db, GapFilters()).ranked(1)[0].score)

    assert top_score() == "1/2"  # low (1) × 1 ÷ (1 + 1)
    with session_factory(database_url)() as other:
        other.get_one(Need, need.id).priority = Priority.HIGH
        other.commit()
    db.expire_all()  # as a new request's session would be
    assert top_score() == "3/2"
    assert snapshot.current_coverage(db) is kept  # a need changed, not the inventory

    with session_factory(database_url)() as other:
        other.get_one(Mechanism, mechanism.id).status = MechanismStatus.CLOSED
        other.commit()
    db.expire_all()
    assert covering(db, need.id) == set() and top_score() == "3"

    db.get_one(Mechanism, mechanism.id).status = MechanismStatus.ACTIVE  # not committed
    assert covering(db, need.id) == {mechanism.id}
    with session_factory(database_url)() as other:
        assert covering(other, need.id) == set()
    db.rollback()
    assert covering(db, need.id) == set() and top_score() == "3"


def test_memberships_are_read_for_the_day_in_the_key(db: Session,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """São Tomé and Príncipe was an LDC until 2024-12-13: the day is part of what the index is
    kept under, so the day's turn changes coverage without any write."""
    ldc = make_mechanism(db, scope=["LDC"])
    need = make_need(db, country="STP")
    db.commit()
    assert covering(db, need.id) == set()
    monkeypatch.setattr(stamps, "today", lambda: dt.date(2024, 12, 1))
    assert covering(db, need.id) == {ldc.id}
    assert coverage.analyse(db, GapFilters(group="LDC")).total == 1
    monkeypatch.undo()
    assert covering(db, need.id) == set()
    assert coverage.analyse(db, GapFilters(group="LDC")).total == 0


def test_what_a_writing_request_computes_is_not_kept(db: Session, database_url: str) -> None:
    """A request that changed the inventory and then read the coverage may change more before it
    commits (on PostgreSQL its stamp is drawn once): what it computed must not be kept."""
    first = make_mechanism(db, scope=["WORLD"])
    need = make_need(db, country="KEN")
    db.commit()
    second = make_mechanism(db, scope=["WORLD"])  # flushed, not committed
    assert covering(db, need.id) == {first.id, second.id}
    db.get_one(Mechanism, first.id).status = MechanismStatus.CLOSED
    db.commit()
    with session_factory(database_url)() as other:
        assert covering(other, need.id) == {second.id}


def test_a_database_not_yet_migrated_keeps_nothing(database_url: str) -> None:
    """A server running this code on a database still without change stamps (before migration
    0019) answers, only without keeping anything."""
    with session_factory(database_url)() as db:
        db.execute(text("DROP TABLE change_stamps"))
        db.commit()
    with session_factory(database_url)() as db:
        db.connection().connection.info.pop("valleycross_has_change_stamps", None)
        assert stamps.read(db, stamps.NEEDS) is None
        assert not snapshot.stamped(db).keep
        assert coverage.analyse(db, GapFilters()).total == 0
