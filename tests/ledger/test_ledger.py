"""The award ledger on a real database: what the workflow writes into it, the triggers that
keep it append-only, and the check that finds every kind of tampering done through raw SQL."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.cli import main as cli
from app.ledger import service
from app.ledger.models import LedgerEntry
from tests.awards.factories import awards_proposed, finalised
from tests.challenges.factories import Clock
from tests.factories import token_for
from tests.ledger.tamper import lift_triggers, raw


def kinds(db: Session) -> list[str]:
    return [e.kind for e in db.query(LedgerEntry).order_by(LedgerEntry.sequence)]


def test_proposing_and_finalising_write_one_entry_per_award_then_the_final_one(
        db: Session, clock: Clock) -> None:
    v = finalised(db, clock)
    assert kinds(db) == ["award_proposed", "award_proposed", "awards_final"]
    first, second, final = db.query(LedgerEntry).order_by(LedgerEntry.sequence).all()
    assert (first.submission_id, first.amount_minor, first.currency) == (
        v.judged.entries[0].id, 5_000_000, "USD")
    # The zero award is recorded too, with the reason it is zero.
    assert (second.submission_id, second.amount_minor) == (v.judged.entries[1].id, 0)
    assert second.reason
    assert json.loads(first.payload)["details"]["held_back_minor"] == 1_000_000
    assert final.amount_minor == 5_000_000
    assert service.verify(db).ok


def test_the_api_verifies_the_chain_and_knows_an_earlier_head(client: TestClient, db: Session,
                                                                clock: Clock) -> None:
    awards_proposed(db, clock)
    early = client.get("/api/v1/ledger/verify").json()
    assert early["ok"] is True and early["entries"] == 2 and len(early["head"]) == 64
    body = client.get("/api/v1/ledger/verify", params={"head": early["head"]}).json()
    assert body["ok"] is True and body["head_found"] is True
    unknown = client.get("/api/v1/ledger/verify", params={"head": "a" * 64}).json()
    assert unknown["ok"] is False and unknown["head_found"] is False
    bad = client.get("/api/v1/ledger/verify", params={"head": "xyz"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "validation_error"


def test_amounts_and_hashes_are_sealed_until_the_challenge_is_final(
        client: TestClient, db: Session, clock: Clock) -> None:
    v = awards_proposed(db, clock)
    public = client.get("/api/v1/ledger", params={"challenge": v.challenge.id}).json()
    assert public["total"] == 2
    assert all(e["sealed"] and e["amount_minor"] is None and e["hash"] is None
               for e in public["items"])
    owner = client.get("/api/v1/ledger", params={"challenge": v.challenge.id},
                       headers=token_for(client, v.judged.owner.email or "")).json()
    assert [e["amount_minor"] for e in owner["items"]] == [5_000_000, 0]
    clock.set(clock.now() + dt.timedelta(days=14))
    from app import workflow
    workflow.finalise(db, challenge=v.challenge, user=v.judged.admin)
    db.commit()
    client.cookies.clear()
    after = client.get("/api/v1/ledger", params={"challenge": v.challenge.id}).json()
    assert [e["amount_minor"] for e in after["items"]] == [5_000_000, 0, 5_000_000]
    assert all(len(e["hash"]) == 64 and not e["sealed"] for e in after["items"])


@pytest.mark.parametrize("statement", [
    "UPDATE ledger_entries SET amount_minor = 1",
    "DELETE FROM ledger_entries",
    "UPDATE awards SET amount_minor = 1",
    "DELETE FROM awards",
])
def test_the_database_refuses_to_change_or_delete_money_records(
        db: Session, clock: Clock, statement: str) -> None:
    awards_proposed(db, clock)
    with pytest.raises(DBAPIError, match="append-only"):
        db.execute(text(statement))
    db.rollback()
    assert service.verify(db).entries == 2


def test_deleting_a_challenge_or_an_entry_with_awards_is_refused(db: Session,
                                                                 clock: Clock) -> None:
    v = awards_proposed(db, clock)
    for statement in (f"DELETE FROM challenges WHERE id = {v.challenge.id}",
                      f"DELETE FROM submissions WHERE id = {v.judged.entries[0].id}"):
        with pytest.raises(DBAPIError):
            db.execute(text(statement))
        db.rollback()
    assert db.query(LedgerEntry).count() == 2


def _tampered(db: Session, clock: Clock) -> None:
    finalised(db, clock)
    lift_triggers(db)


def test_one_changed_byte_of_a_past_entry_is_reported(db: Session, clock: Clock) -> None:
    _tampered(db, clock)
    raw(db, "UPDATE ledger_entries SET payload = REPLACE(payload, '5000000', '5000001') "
            "WHERE sequence = 1")
    check = service.verify(db)
    assert not check.ok and check.broken is not None
    assert (check.broken.sequence, check.broken.problem) == (1, "hash_mismatch")


def test_a_changed_amount_column_alone_is_reported(db: Session, clock: Clock) -> None:
    _tampered(db, clock)
    raw(db, "UPDATE ledger_entries SET amount_minor = 9000000 WHERE sequence = 1")
    broken = service.verify(db).broken
    assert broken is not None and (broken.sequence, broken.problem) == (1, "payload_mismatch")


def test_a_deleted_entry_is_reported(db: Session, clock: Clock) -> None:
    _tampered(db, clock)
    raw(db, "DELETE FROM ledger_entries WHERE sequence = 2")
    broken = service.verify(db).broken
    assert broken is not None and (broken.sequence, broken.problem) == (2, "sequence_gap")


def test_two_swapped_entries_are_reported(db: Session, clock: Clock) -> None:
    _tampered(db, clock)
    raw(db, "UPDATE ledger_entries SET sequence = -1 WHERE sequence = 1")
    raw(db, "UPDATE ledger_entries SET sequence = 1 WHERE sequence = 2")
    raw(db, "UPDATE ledger_entries SET sequence = 2 WHERE sequence = -1")
    broken = service.verify(db).broken
    assert broken is not None and (broken.sequence, broken.problem) == (1, "wrong_prev_hash")


def test_the_command_exits_1_on_a_broken_chain(db: Session, clock: Clock,
                                               settings: object) -> None:
    _tampered(db, clock)
    runner = CliRunner()
    good = runner.invoke(cli, ["ledger", "verify"])
    assert good.exit_code == 0 and "ok: 3 entries" in good.output
    raw(db, "DELETE FROM ledger_entries WHERE sequence = 1")
    bad = runner.invoke(cli, ["ledger", "verify"])
    assert bad.exit_code == 1 and "BROKEN at entry 1: sequence_gap" in bad.output


def test_the_verify_api_names_the_first_break(client: TestClient, db: Session,
                                              clock: Clock) -> None:
    _tampered(db, clock)
    raw(db, "UPDATE ledger_entries SET reason = 'paid twice' WHERE sequence = 2")
    body = client.get("/api/v1/ledger/verify").json()
    assert body["ok"] is False and body["entries"] == 1
    assert body["broken"]["sequence"] == 2 and body["broken"]["problem"] == "payload_mismatch"
    assert body["broken"]["message"]


def test_cancelling_after_awards_were_proposed_is_in_the_ledger_and_pays_nothing(
        client: TestClient, db: Session, clock: Clock) -> None:
    from app import workflow

    v = awards_proposed(db, clock)
    workflow.cancel(db, challenge=v.challenge, user=v.judged.admin,
                    reason="The sponsor's funding was withdrawn.")
    db.commit()
    last = db.query(LedgerEntry).order_by(LedgerEntry.sequence.desc()).first()
    assert last is not None
    assert (last.kind, last.amount_minor, last.reason) == (
        "challenge_cancelled", 10_000_000, "The sponsor's funding was withdrawn.")
    assert json.loads(last.payload)["details"] == {"from_state": "awards_proposed"}
    entry = client.get(f"/api/v1/challenges/{v.challenge.id}/awards",
                       headers=token_for(client, v.judged.owner.email or "")).json()
    assert entry["state"] == "cancelled"
    assert {e["money_state"] for e in entry["entries"]} == {"cancelled", "no_award"}
    paid = client.post(f"/api/v1/challenges/{v.challenge.id}/payments", json={
        "submission_id": v.judged.entries[0].id, "amount_minor": 1, "currency": "USD",
        "paid_on": "2030-01-01", "method": "other", "reference": "x"},
        headers=token_for(client, v.judged.owner.email or ""))
    assert paid.status_code == 409
    assert service.verify(db).ok


def test_an_upheld_appeal_adds_a_computation_and_the_superseded_awards_stay(
        client: TestClient, db: Session, clock: Clock) -> None:
    from app.awards import service as awards
    from app.awards.models import Award
    from tests.awards.test_appeals import appeal, decide

    v = awards_proposed(db, clock)
    filed = appeal(client, v)
    client.put(f"/api/v1/challenges/{v.challenge.id}/verification/entries/"
               f"{v.judged.entries[1].id}/targets/cooling",
               headers=token_for(client, v.verifier.email or ""),
               json={"measured_value": "540", "evidence": "Logger 6's card added."})
    decide(client, v, filed["id"], "upheld")
    db.expire_all()
    rows = [(a.computation, a.submission_id, a.amount_minor)
            for a in db.query(Award).order_by(Award.id)]
    first, second = v.judged.entries[0].id, v.judged.entries[1].id
    assert rows == [(1, first, 5_000_000), (1, second, 0),
                    (2, first, 5_000_000), (2, second, 3_000_000)]
    assert {k: a.amount_minor for k, a in awards.current(
        db, challenge_id=v.challenge.id).items()} == {first: 5_000_000, second: 3_000_000}
    entries = db.query(LedgerEntry).order_by(LedgerEntry.sequence).all()
    assert [e.kind for e in entries] == ["award_proposed"] * 2 + ["award_recomputed"] * 2
    supersedes = [json.loads(e.payload)["details"]["supersedes"] for e in entries[2:]]
    assert supersedes == [1, 2]
    assert service.verify(db).ok


def test_the_sponsor_is_told_when_an_admin_cancels(db: Session, clock: Clock) -> None:
    from app import workflow
    from app.notifications import service as notifications

    v = awards_proposed(db, clock)
    workflow.cancel(db, challenge=v.challenge, user=v.judged.admin, reason="Funding withdrawn.")
    db.commit()
    [told] = notifications.for_recipient(db, recipient_id=v.judged.owner.id,
                                         kind="challenge.cancelled")
    assert "Funding withdrawn." in told.body
