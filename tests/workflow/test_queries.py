"""Judging's results are computed once per request: proposing awards and attesting an outcome
each read the scorecards once and hand the ranking down (verification, awards, the notices),
never rebuilding it. Counted on the SQL the request sends."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from app.judging import scoring
from tests.awards.factories import VERIFICATION_CLOSED, attest
from tests.challenges.factories import Clock
from tests.factories import token_for
from tests.verification.factories import verification_challenge

# The one query that reads the submitted scores (app/judging/results.py: _cards).
SCORES_READ = "join criterion_scores"


@contextmanager
def statements() -> Iterator[list[str]]:
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(" ".join(statement.lower().split()))

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", record)


@pytest.fixture
def ranking_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = scoring.results

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(scoring, "results", counted)
    return calls


def test_proposing_awards_computes_the_judging_results_once(
        client: TestClient, db: Session, clock: Clock, ranking_calls: list[int]) -> None:
    v = verification_challenge(db, clock)
    attest(db, v, 0, "640")
    attest(db, v, 1, "480")
    clock.set(VERIFICATION_CLOSED)
    owner = token_for(client, v.judged.owner.email or "")
    ranking_calls.clear()
    with statements() as seen:
        answer = client.post(f"/api/v1/challenges/{v.challenge.id}/propose-awards",
                             headers=owner, json={})
    assert answer.status_code == 200, answer.text
    assert answer.json()["state"] == "awards_proposed"
    assert len(ranking_calls) == 1
    assert sum(SCORES_READ in s for s in seen) == 1, [s for s in seen if SCORES_READ in s]
    # Three entries, two shortlisted: 35 statements when this was written (token check, the
    # challenge, the ranking, the outcomes, the awards, the notices); a rebuilt table adds more.
    assert len(seen) <= 45, len(seen)


def test_one_attestation_computes_the_judging_results_once(
        client: TestClient, db: Session, clock: Clock, ranking_calls: list[int]) -> None:
    v = verification_challenge(db, clock)
    verifier = token_for(client, v.verifier.email or "")
    entry = v.judged.entries[0].id
    ranking_calls.clear()
    with statements() as seen:
        answer = client.put(
            f"/api/v1/challenges/{v.challenge.id}/verification/entries/{entry}/targets/cooling",
            headers=verifier, json={"measured_value": "640", "evidence": "Logger readings."})
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "verified"
    assert len(ranking_calls) == 1
    assert sum(SCORES_READ in s for s in seen) == 1
    assert len(seen) <= 45, len(seen)
