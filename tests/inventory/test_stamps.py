"""Change stamps: every change to a stamped table draws a new stamp (triggers of migration 0019),
and results kept under them are computed again after a write, never served after a rollback."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.db import session_factory
from app.inventory import stamps
from tests.inventory.factories import make_mechanism, make_technology

NAMES = (stamps.MECHANISMS, stamps.MECHANISM_COVERAGE, stamps.TECHNOLOGIES,
         stamps.COUNTRY_GROUPS, stamps.NEEDS)
BOTH = {stamps.MECHANISMS, stamps.MECHANISM_COVERAGE}


def all_stamps(db: Session) -> dict[str, str]:
    found = stamps.read(db, *NAMES)
    assert found is not None
    return dict(zip(NAMES, found, strict=True))


def moved(db: Session, statement: str, **values: object) -> set[str]:
    """The stamps one committed statement draws anew."""
    before = all_stamps(db)
    db.execute(text(statement), values)
    db.commit()
    after = all_stamps(db)
    return {name for name in NAMES if after[name] != before[name]}


def test_every_change_to_a_stamped_table_draws_its_stamp_and_only_its_own(db: Session) -> None:
    """If a migration rebuilds one of these tables (SQLite batch mode), its triggers must be
    made again: this fails when one is lost."""
    mechanism = make_mechanism(db, scope=["NPL", "LDC"], sectors=["water"], stages=["research"],
                               functions=["rd_cooperation"])
    technology = make_technology(db, sectors=["water"], countries_deployed=["NPL"])
    m, t = mechanism.id, technology.id
    # A name, a budget, a verification date: not what decides coverage.
    for column in ("name", "budget_amount_minor", "last_verified_at"):
        assert moved(db, f"UPDATE mechanisms SET {column} = {column} WHERE id = :m",
                     m=m) == {stamps.MECHANISMS}, column
    assert moved(db, "UPDATE mechanisms SET status = status WHERE id = :m", m=m) == BOTH
    for table, column in (("mechanism_scopes", "country_code"), ("mechanism_sectors", "sector"),
                          ("mechanism_stages", "stage"), ("mechanism_functions", "function")):
        assert moved(db, f"UPDATE {table} SET {column} = {column} WHERE mechanism_id = :m",
                     m=m) == BOTH, table
    assert moved(db, "DELETE FROM mechanism_sectors WHERE mechanism_id = :m", m=m) == BOTH
    assert moved(db, "INSERT INTO mechanism_sectors (mechanism_id, sector) VALUES (:m, 'ict')",
                 m=m) == BOTH
    for table, owner in (("technologies", "id"), ("technology_sectors", "technology_id"),
                         ("technology_countries", "technology_id")):
        assert moved(db, f"UPDATE {table} SET {owner} = {owner} WHERE {owner} = :t",
                     t=t) == {stamps.TECHNOLOGIES}, table
    assert moved(db, "UPDATE country_groups SET name_en = name_en WHERE code = 'LDC'") == {
        stamps.COUNTRY_GROUPS}
    assert moved(db, "UPDATE country_group_memberships SET note = note "
                     "WHERE group_code = 'LDC' AND country_code = 'NPL'") == {
        stamps.COUNTRY_GROUPS}
    assert moved(db, "INSERT INTO needs (country_code, sector, stage, mitigation_adaptation, "
                     "priority, status, created_at, updated_at) VALUES ('NPL', 'water', "
                     "'research', 'both', 'high', 'open', :now, :now)",
                 now="2030-01-01 00:00:00") == {stamps.NEEDS}
    assert moved(db, "DELETE FROM needs") == {stamps.NEEDS}
    assert moved(db, "DELETE FROM mechanisms WHERE id = :m", m=m) == BOTH
    before = all_stamps(db)
    db.expunge_all()  # the deleted row's object (SQLite may hand its id out again)
    make_mechanism(db)  # an insert, through the service
    after = all_stamps(db)
    assert {name for name in NAMES if after[name] != before[name]} == BOTH
    # Tables no kept result reads leave every stamp as it was.
    assert moved(db, "UPDATE data_versions SET version = version + 1") == set()


def test_a_rolled_back_change_leaves_the_stamp_others_read(db: Session,
                                                           database_url: str) -> None:
    mechanism = make_mechanism(db)
    committed = all_stamps(db)[stamps.MECHANISMS]
    db.execute(text("UPDATE mechanisms SET name = 'Renamed' WHERE id = :m"), {"m": mechanism.id})
    inside = all_stamps(db)[stamps.MECHANISMS]
    assert inside != committed  # the changing transaction reads its own, new stamp
    db.execute(text("UPDATE mechanisms SET name = 'Again' WHERE id = :m"), {"m": mechanism.id})
    if db.get_bind().dialect.name == "postgresql":  # drawn once per transaction there
        assert all_stamps(db)[stamps.MECHANISMS] == inside
    with session_factory(database_url)() as other:
        assert all_stamps(other)[stamps.MECHANISMS] == committed
    db.rollback()
    assert all_stamps(db)[stamps.MECHANISMS] == committed


def test_pending_changes_are_flushed_before_the_stamps_are_read(db: Session) -> None:
    mechanism = make_mechanism(db)
    before = all_stamps(db)[stamps.MECHANISMS]
    mechanism.name = "Renamed, not flushed yet"
    assert all_stamps(db)[stamps.MECHANISMS] != before
    db.rollback()


def test_a_missing_stamp_keeps_nothing(db: Session) -> None:
    db.execute(text("DELETE FROM change_stamps WHERE name = 'needs'"))
    assert stamps.read(db, stamps.NEEDS) is None
    assert stamps.read(db, stamps.MECHANISMS, stamps.NEEDS) is None
    memo: stamps.Memo[int] = stamps.Memo()
    made = iter(range(10))
    assert memo.get(None, lambda: next(made)) == 0
    assert memo.get(None, lambda: next(made)) == 1
    db.rollback()


def test_only_a_transaction_that_wrote_nothing_keeps_what_it_computes(db: Session) -> None:
    make_mechanism(db)
    assert stamps.read(db, stamps.MECHANISMS) is not None and stamps.may_keep(db)
    db.execute(text("UPDATE data_versions SET version = version"))  # any write at all
    assert not stamps.may_keep(db)
    db.rollback()
    assert stamps.may_keep(db)
    memo: stamps.Memo[str] = stamps.Memo()
    assert memo.get(("k",), lambda: "not kept", keep=False) == "not kept"
    assert memo.get(("k",), lambda: "kept") == "kept"
    assert memo.get(("k",), lambda: "other", keep=False) == "kept"  # what is kept is used


def test_the_memo_keeps_the_last_keys_and_computes_a_missed_key_once() -> None:
    memo: stamps.Memo[str] = stamps.Memo(kept=2)
    assert memo.get(("a",), lambda: "A") == "A"
    assert memo.get(("a",), lambda: "other") == "A"
    memo.get(("b",), lambda: "B")
    memo.get(("c",), lambda: "C")  # "a" is the least recently used: dropped
    assert memo.get(("a",), lambda: "A again") == "A again"
    assert memo.get(("c",), lambda: "other") == "C"

    calls: list[int] = []
    started = threading.Event()

    def slow() -> str:
        calls.append(1)
        started.set()
        time.sleep(0.05)
        return "slow"

    results: list[str] = []
    first = threading.Thread(target=lambda: results.append(memo.get(("d",), slow)))
    first.start()
    started.wait()
    second = threading.Thread(target=lambda: results.append(memo.get(("d",), slow)))
    second.start()
    first.join()
    second.join()
    assert results == ["slow", "slow"] and len(calls) == 1

    def failing() -> str:
        raise RuntimeError("no")

    with pytest.raises(RuntimeError):
        memo.get(("e",), failing)
    assert memo.get(("e",), lambda: "made after a failure") == "made after a failure"
