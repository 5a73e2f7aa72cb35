"""Arrange verification: a challenge judged by two judges and moved on to verification, all
through the services. Its targets (tests.challenges.factories.body): `cooling` at least 500
tonne-days (required) and `cost` at most 0.25 USD (optional)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from app import workflow
from app.accounts.models import Role, User
from app.challenges.models import Challenge
from app.judging import service as judging
from app.judging.schemas import CriterionScoreIn, ScorecardIn
from tests.challenges.factories import T0, Clock
from tests.factories import make_user
from tests.judging.factories import Judged, judging_challenge

DURING_VERIFICATION = T0 + dt.timedelta(days=50)  # verification closes at T0 + 90 days
# Impact, Affordability per entry: the third entry misses the minimum overall score (5).
SCORES = [("8", "6"), ("7", "5"), ("2", "1")]


@dataclass
class Verifying:
    judged: Judged
    verifier: User

    @property
    def challenge(self) -> Challenge:
        return self.judged.challenge


def verifier(db: Session, name: str | None = None) -> User:
    return make_user(db, roles=[Role.VERIFIER], display_name=name)


def verification_challenge(db: Session, clock: Clock) -> Verifying:
    """Three entries (the first a team's), two judges scoring all three alike, verification
    started by the owner; two of the entries are eligible, ranked 1 and 2."""
    judged = judging_challenge(db, clock, entries=3, judges=2)
    person = verifier(db, "Vera Verifier")
    for who in judged.judges:
        for entry, (impact, afford) in zip(judged.entries, SCORES, strict=True):
            code = judged.code(entry)
            judging.save(db, challenge=judged.challenge, judge=who, code=code, body=ScorecardIn(
                scores=[CriterionScoreIn(criterion_id=c.id, score=Decimal(v)) for c, v in
                        zip(judged.challenge.criteria, (impact, afford), strict=True)],
                comment=""))
            judging.submit(db, challenge=judged.challenge, judge=who, code=code)
    clock.set(DURING_VERIFICATION)
    workflow.start_verification(db, challenge=judged.challenge,
                      user=judged.owner)
    db.commit()
    return Verifying(judged, person)
