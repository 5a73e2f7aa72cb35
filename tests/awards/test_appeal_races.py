"""Appeals decided and filed at the same moment: twenty admins' requests at once record exactly
one decision, and the awards are recomputed once at most (SQLite and PostgreSQL alike: each
request on its own session of the file-backed or server database). An appeal made meanwhile
against a challenge an admin cancelled is refused, and a verifier's correction meanwhile
against an appeal decided is too (each a compare-and-set, shown with a stale second session)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import workflow
from app.audit.models import AuditEvent
from app.awards import appeals
from app.awards import service as awards_service
from app.awards.models import Appeal, AppealStatus, Award
from app.awards.schemas import AppealIn
from app.challenges.enums import ChallengeState
from app.challenges.models import Challenge
from app.config import Settings
from app.db import session_factory
from app.errors import Conflict
from app.notifications import service as notifications
from app.verification import access
from app.verification.models import OutcomeAttestation
from app.verification.schemas import AttestationIn
from tests.awards.factories import awards_proposed
from tests.awards.test_appeals import appeal
from tests.challenges.factories import Clock
from tests.factories import token_for

PARALLEL = 20


def _all_at_once(count: int, request: Callable[[int], Any]) -> list[Any]:
    """`request(i)` for i in 0..count-1, each in its own thread, released together."""
    start, answers = threading.Barrier(count), [None] * count

    def run(i: int) -> None:
        start.wait()
        answers[i] = request(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    return answers


def test_twenty_decisions_at_once_record_one_and_recompute_the_awards_once(
        client: TestClient, db: Session, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    v = awards_proposed(db, clock)
    filed = appeal(client, v)
    admin = token_for(client, v.judged.admin.email or "")
    recomputed: list[int] = []
    real_recompute = awards_service.recompute

    def counted(*args: Any, **kwargs: Any) -> dict[int, tuple[int, int]]:
        changed = real_recompute(*args, **kwargs)
        recomputed.append(1)
        return changed

    monkeypatch.setattr(awards_service, "recompute", counted)
    # Half of them uphold it (which recomputes the awards), half dismiss it.
    outcomes = ["upheld" if i % 2 == 0 else "dismissed" for i in range(PARALLEL)]

    def decide(i: int) -> Any:
        return client.post(f"/api/v1/appeals/{filed['id']}/decision", headers=admin,
                           json={"outcome": outcomes[i], "decision": f"Decision number {i}."})

    answers = _all_at_once(PARALLEL, decide)
    won = [i for i, a in enumerate(answers) if a.status_code == 200]
    assert len(won) == 1, [(a.status_code, a.text) for a in answers]
    lost = [a for a in answers if a.status_code != 200]
    assert {(a.status_code, a.json()["error"]["code"]) for a in lost} == {
        (409, "already_decided")}
    winner = won[0]

    db.expire_all()
    [row] = db.scalars(select(Appeal)).all()
    assert (row.status.value, row.decision) == (outcomes[winner], f"Decision number {winner}.")
    upheld = outcomes[winner] == "upheld"
    assert len(recomputed) == (1 if upheld else 0)
    computations = db.scalar(select(func.max(Award.computation)).where(
        Award.challenge_id == v.challenge.id))
    assert computations == (2 if upheld else 1)
    decided = db.scalars(select(AuditEvent).where(AuditEvent.event == "appeal.decided")).all()
    assert [(e.actor_id, e.details["challenge_id"], e.details["outcome"]) for e in decided] == [
        (v.judged.admin.id, v.challenge.id, outcomes[winner])]
    told = notifications.for_recipient(db, recipient_id=v.judged.entrants[1].id,
                                       kind="awards.appeal_decided")
    assert len(told) == 1 and f"Decision number {winner}." in told[0].body


def test_an_appeal_filed_on_a_stale_read_of_a_cancelled_challenge_is_refused(
        db: Session, clock: Clock, settings: Settings) -> None:
    v = awards_proposed(db, clock)
    entrant = v.judged.entrants[1]
    # This request read the challenge (awards proposed, window open) ...
    challenge, _, mine = awards_service.visible(db, challenge_id=v.challenge.id, user=entrant)
    # ... when an admin cancelled it in another request.
    with session_factory(settings.database_url)() as other:
        theirs = other.get(Challenge, v.challenge.id)
        admin = other.merge(v.judged.admin)
        assert theirs is not None
        workflow.cancel(other, challenge=theirs, user=admin, reason="Sponsor insolvent.")
        other.commit()
    with pytest.raises(Conflict) as refused:
        appeals.file(db, challenge=challenge, mine=mine, user=entrant,
                     body=AppealIn(submission_id=v.judged.entries[1].id, reason="Logger 6."),
                     shortlisted={v.judged.entries[1].id})
    assert refused.value.code == "concurrent_change"
    db.rollback()
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(Appeal)) == 0
    assert db.scalar(select(Challenge.state).where(Challenge.id == v.challenge.id)) == \
        ChallengeState.CANCELLED


def test_a_correction_after_the_appeal_was_decided_meanwhile_is_refused(
        client: TestClient, db: Session, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    v = awards_proposed(db, clock)
    filed = appeal(client, v)
    entry = v.judged.entries[1].id
    seat = access.as_verifier(db, challenge_id=v.challenge.id, user=v.verifier)
    # An admin dismisses the appeal in another request ...
    decided = client.post(f"/api/v1/appeals/{filed['id']}/decision",
                          headers=token_for(client, v.judged.admin.email or ""),
                          json={"outcome": "dismissed", "decision": "Nothing was left out."})
    assert decided.status_code == 200
    # ... after the verifier's request had seen it open (the read the compare-and-set guards).
    monkeypatch.setattr(appeals, "open_for_entry", lambda *args, **kwargs: True)
    with pytest.raises(Conflict) as refused:
        workflow.attest(db, seat=seat, user=v.verifier, submission_id=entry,
                        target_key="cooling", body=AttestationIn(
                            measured_value=Decimal("540"), evidence="Logger 6's card."))
    assert refused.value.code == "verification_closed"
    assert "decided meanwhile" in refused.value.message
    db.rollback()
    db.expire_all()
    values = {a.submission_id: a.measured_value for a in db.scalars(select(OutcomeAttestation))}
    assert values[entry] == Decimal("480")  # as attested before the awards were proposed


def test_the_appeal_is_open_until_decided_once(db: Session, clock: Clock,
                                               client: TestClient) -> None:
    v = awards_proposed(db, clock)
    filed = appeal(client, v)
    [row] = db.scalars(select(Appeal)).all()
    assert row.id == filed["id"] and row.status == AppealStatus.OPEN
    filed_events = db.scalars(select(AuditEvent).where(AuditEvent.event == "appeal.filed")).all()
    assert [(e.actor_id, e.details["challenge_id"], e.details["submission_id"])
            for e in filed_events] == [
        (v.judged.entrants[1].id, v.challenge.id, v.judged.entries[1].id)]
