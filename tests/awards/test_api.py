"""Awards through the JSON API and the services: computed when awards are proposed, from the
verified outcomes only; who sees what; one award per submission, even under parallel requests."""

from __future__ import annotations

import threading

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app import workflow
from app.awards import service
from app.awards.models import Award
from app.config import Settings
from app.errors import Conflict
from app.notifications import service as notifications
from tests.awards.factories import awards_proposed, verified_and_closed
from tests.challenges.factories import Clock
from tests.factories import make_user, token_for
from tests.verification.factories import verification_challenge


def url(challenge_id: int) -> str:
    return f"/api/v1/challenges/{challenge_id}/awards"


def test_proposing_awards_pays_only_verified_outcomes(client: TestClient, db: Session,
                                                      clock: Clock) -> None:
    v = awards_proposed(db, clock)
    answer = client.get(url(v.challenge.id), headers=token_for(client, v.judged.owner.email or ""))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["state"], body["currency"], body["purse_minor"], body["total_minor"],
            body["unallocated_minor"]) == ("awards_proposed", "USD", 10_000_000, 5_000_000,
                                           5_000_000)
    assert [(e["submission_id"], e["outcome"], e["amount_minor"], e["held_back_minor"],
             e["paid_now_minor"], e["reason"]) for e in body["entries"]] == [
        (v.judged.entries[0].id, "verified", 5_000_000, 1_000_000, 4_000_000, "place 1"),
        (v.judged.entries[1].id, "not_met", 0, 0, 0,
         "Stored produce kept below 8 °C 480 tonne-days, needed ≥ 500 tonne-days")]
    assert body["appeals_close_at"] is not None and body["holdback_delay_days"] == 180
    # The zero award is a record too, with its reason.
    assert db.query(Award).count() == 2


def test_each_shortlisted_entrant_is_told_their_proposed_award(db: Session, clock: Clock) -> None:
    v = awards_proposed(db, clock)
    [won] = notifications.for_recipient(db, recipient_id=v.judged.entrants[0].id,
                                        kind="awards.proposed")
    assert "USD 50,000.00 (place 1)" in won.body and "appeal until" in won.body
    [lost] = notifications.for_recipient(db, recipient_id=v.judged.entrants[1].id,
                                         kind="awards.proposed")
    assert "is proposed no award" in lost.body
    assert notifications.for_recipient(db, recipient_id=v.judged.entrants[2].id,
                                       kind="awards.proposed") == []  # not shortlisted


def test_an_entrant_sees_only_their_own_entry_and_no_totals(client: TestClient, db: Session,
                                                            clock: Clock) -> None:
    v = awards_proposed(db, clock)
    mine = client.get(url(v.challenge.id),
                      headers=token_for(client, v.judged.entrants[1].email or "")).json()
    assert [e["submission_id"] for e in mine["entries"]] == [v.judged.entries[1].id]
    assert mine["purse_minor"] is None and mine["total_minor"] is None
    not_shortlisted = client.get(url(v.challenge.id), headers=token_for(
        client, v.judged.entrants[2].email or "")).json()
    assert not_shortlisted["entries"] == []
    for outsider in (make_user(db), v.verifier, v.judged.judges[0]):
        answer = client.get(url(v.challenge.id), headers=token_for(client, outsider.email or ""))
        assert answer.status_code == 404, outsider.email


def test_before_awards_are_proposed_nobody_sees_an_amount(client: TestClient, db: Session,
                                                         clock: Clock) -> None:
    v = verified_and_closed(db, clock)
    for who in (v.judged.owner, v.judged.entrants[0]):
        answer = client.get(url(v.challenge.id), headers=token_for(client, who.email or ""))
        assert (answer.status_code, answer.json()["error"]["code"]) == (
            409, "awards_not_proposed")
    assert db.query(Award).count() == 0


def test_awards_are_computed_once(db: Session, clock: Clock) -> None:
    v = awards_proposed(db, clock)
    with pytest.raises(Conflict) as raised:
        service.compute(db, challenge=v.challenge,
                        shortlist=workflow.shortlist(db, v.challenge).values())
    assert raised.value.code == "awards_exist"
    db.rollback()
    award = db.query(Award).order_by(Award.id).first()
    assert award is not None
    db.add(Award(challenge_id=award.challenge_id, submission_id=award.submission_id,
                 computation=award.computation, amount_minor=1, held_back_minor=0,
                 currency="USD", reason="a second award", ledger_sequence=99))
    with pytest.raises(IntegrityError):  # the database refuses a second award per submission
        db.flush()


def test_parallel_requests_to_propose_awards_make_one_set_of_awards(
        client: TestClient, db: Session, clock: Clock, settings: Settings) -> None:
    if settings.is_sqlite:
        pytest.skip("parallel write transactions are PostgreSQL's; SQLite lets one writer at a "
                    "time")
    v = verified_and_closed(db, clock)
    headers = token_for(client, v.judged.owner.email or "")
    start, statuses = threading.Barrier(6), []

    def propose() -> None:
        start.wait()
        statuses.append(client.post(f"/api/v1/challenges/{v.challenge.id}/propose-awards",
                                    headers=headers, json={}).status_code)

    threads = [threading.Thread(target=propose) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [200] + [409] * 5, statuses
    db.expire_all()
    assert db.query(Award).count() == 2  # one per shortlisted entry, zero included


def test_a_challenge_without_verified_outcomes_awards_nothing(client: TestClient, db: Session,
                                                              clock: Clock) -> None:
    from tests.awards.factories import VERIFICATION_CLOSED
    v = verification_challenge(db, clock)
    clock.set(VERIFICATION_CLOSED)
    workflow.propose_awards(db, challenge=v.challenge, user=v.judged.owner)
    db.commit()
    body = client.get(url(v.challenge.id),
                      headers=token_for(client, v.judged.owner.email or "")).json()
    assert body["total_minor"] == 0
    assert {e["reason"] for e in body["entries"]} == {
        "its outcomes were not all attested before verification closed (not attested: Stored "
        "produce kept below 8 °C)"}
