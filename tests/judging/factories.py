"""Arrange judging: a challenge in judging with submitted entries and a panel, all through the
services (challenges, teams, submissions, judging)."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from app import workflow
from app.accounts.models import Role, User
from app.challenges import lifecycle
from app.challenges.enums import ChallengeState
from app.challenges.models import Challenge
from app.config import get_settings
from app.judging import codes, panel
from app.judging import service as judging_service
from app.judging.schemas import CriterionScoreIn, ScorecardIn
from app.submissions import service as submissions_service
from app.submissions import uploads
from app.submissions.models import Submission
from app.submissions.schemas import SubmissionCreate
from tests.challenges.factories import T0, Clock, admin, published, sponsor
from tests.factories import make_user
from tests.submissions.factories import pdf, team_registration
from tests.submissions.factories import register as register_individually

_seq = itertools.count(1)
DURING = T0 + dt.timedelta(days=2)  # the challenge factories' challenges open at T0 + 1 day ...
AFTER_CLOSE = T0 + dt.timedelta(days=32)  # ... and close at T0 + 31 days


def entrant(db: Session, n: int | None = None) -> User:
    """A solver from Nepal (eligible) whose name, email and organisation must never reach a
    judge."""
    n = n or next(_seq)
    return make_user(db, email=f"amina.okafor{n}@entrants.example",
                     display_name=f"Amina Okafor {n}", organisation="Okafor Cooling Cooperative",
                     country_code="NPL")


def judge(db: Session, *, name: str | None = None) -> User:
    n = next(_seq)
    return make_user(db, roles=[Role.JUDGE], email=f"judge{n}@judges.example",
                     display_name=name or f"Judge {n}")


def submitted_entry(db: Session, challenge: Challenge, user: User, *, title: str | None = None,
                    summary: str = "Solar-powered **cold rooms** for market towns.",
                    file_name: str | None = None, team_name: str | None = None,
                    files: int = 1) -> Submission:
    """`user` registers (leading a two-person team called `team_name`, if given), starts an entry,
    uploads `files` PDFs named after themselves and submits it; the challenge must be open."""
    if team_name:
        team_registration(db, challenge, user, [entrant(db)], name=team_name)
    else:
        register_individually(db, challenge, user)
    title = title or f"Cold room {next(_seq)}"
    entry = submissions_service.create(db, challenge=challenge, user=user,
                                       body=SubmissionCreate(title=title, summary=summary))
    for i in range(1, files + 1):
        uploads.add_file(db, entry=entry, user=user,
                         filename=file_name or f"{user.display_name} - proposal {i}.pdf",
                         stream=io.BytesIO(pdf(f"{title} part {i}".encode())))
    submissions_service.submit(db, entry=entry, user=user)
    db.commit()
    return entry.submission


@dataclass
class Judged:
    """A challenge in judging, its owner and an admin, its entries and entrants, its panel."""

    challenge: Challenge
    owner: User
    admin: User
    entries: list[Submission]
    entrants: list[User]
    judges: list[User]

    def code(self, submission: Submission) -> str:
        return code_of(self.challenge, submission)


def scores(challenge: Challenge, *values: str) -> ScorecardIn:
    return ScorecardIn(scores=[CriterionScoreIn(criterion_id=c.id, score=Decimal(v))
                               for c, v in zip(challenge.criteria, values, strict=False)],
                       comment="Clear plan.")


def one_scorecard_then_verification(db: Session, judged: Judged, *values: str) -> None:
    """The first judge scores the first entry with `values`, then the owner starts
    verification (judging's results become visible to the sponsor)."""
    code = judged.code(judged.entries[0])
    judging_service.save(db, challenge=judged.challenge, judge=judged.judges[0], code=code,
                         body=scores(judged.challenge, *values))
    judging_service.submit(db, challenge=judged.challenge, judge=judged.judges[0], code=code)
    workflow.start_verification(db, challenge=judged.challenge,
                      user=judged.owner)
    db.commit()


def code_of(challenge: Challenge, submission: Submission) -> str:
    return codes.codes_for(get_settings().secret_key, challenge.id, [submission.id])[
        submission.id]


def open_challenge(db: Session, clock: Clock, **overrides: Any) -> tuple[Challenge, User, User]:
    owner, approver = sponsor(db, display_name="Sam Sponsor"), admin(db)
    challenge = published(db, owner, approver, **overrides)
    clock.set(DURING)
    lifecycle.sync(db, challenge=challenge)
    assert challenge.state == ChallengeState.OPEN
    db.commit()
    return challenge, owner, approver


def start_judging(db: Session, clock: Clock, challenge: Challenge, owner: User) -> None:
    clock.set(AFTER_CLOSE)
    workflow.start_judging(db, challenge=challenge, user=owner)
    db.commit()


def judging_challenge(db: Session, clock: Clock, *, entries: int = 3, judges: int = 2,
                      **overrides: Any) -> Judged:
    """Published, `entries` entrants submitted (the first as a team), closed, judging started,
    and `judges` judges on the panel."""
    challenge, owner, approver = open_challenge(db, clock, **overrides)
    people = [entrant(db) for _ in range(entries)]
    made = [submitted_entry(db, challenge, person,
                            team_name="Okafor Cold Chain Collective" if i == 0 else None)
            for i, person in enumerate(people)]
    start_judging(db, clock, challenge, owner)
    panel_judges = [judge(db) for _ in range(judges)]
    for person in panel_judges:
        panel.assign(db, challenge=challenge, user=owner, judge_id=person.id)
    db.commit()
    return Judged(challenge, owner, approver, made, people, panel_judges)
