"""Ties in judging's ranking, through the services: equal normalised scores share a
competition rank, listed by submission time (never by code), unless the prize rules name a
criterion that breaks the tie."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from app import workflow
from app.judging import results as judging_results
from app.judging import service as judging
from tests.challenges.factories import Clock, body
from tests.judging.factories import judging_challenge, scores

# Impact (weight 3), Affordability (weight 1): the first two entries both total 7.
SCORES = [("8", "4"), ("6", "10"), ("5", "5")]


def ranked(db: Session, clock: Clock, ties: dict[str, Any] | None) -> list[tuple[int, int]]:
    prize = body()["prize_rules"] | ({"ties": ties} if ties else {})
    judged = judging_challenge(db, clock, entries=3, judges=1, prize_rules=prize)
    [who] = judged.judges
    for entry, values in zip(judged.entries, SCORES, strict=True):
        code = judged.code(entry)
        judging.save(db, challenge=judged.challenge, judge=who, code=code,
                     body=scores(judged.challenge, *values))
        judging.submit(db, challenge=judged.challenge, judge=who, code=code)
    workflow.start_verification(db, challenge=judged.challenge, user=judged.owner)
    db.commit()
    position = {e.id: i for i, e in enumerate(judged.entries)}
    return [(position[r.submission_id], r.rank or 0)
            for r in judging_results.ranking(db, challenge=judged.challenge)]


@pytest.mark.parametrize("ties", [None, {"rule": "share"}])
def test_equal_scores_share_the_rank_in_submission_order(db: Session, clock: Clock,
                                                         ties: dict[str, Any] | None) -> None:
    assert ranked(db, clock, ties) == [(0, 1), (1, 1), (2, 3)]


def test_a_named_criterion_breaks_the_tie(db: Session, clock: Clock) -> None:
    got = ranked(db, clock, {"rule": "criterion", "criterion": "Affordability"})
    assert got == [(1, 1), (0, 2), (2, 3)]
