"""A challenge's judging panel, its judges' scorecards and their recusals."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from sqlalchemy import Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.challenges.types import DecimalText
from app.db import Base, Timestamped, done_by, owned_by, parts, str_enum, utcnow
from app.submissions.models import AboutAnEntry


class ScorecardState(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class JudgeAssignment(Base):
    """A judge (an account holding the judge role) on a challenge's panel."""

    __tablename__ = "judge_assignments"
    # The unique constraint's index also serves lookups by challenge.
    __table_args__ = (UniqueConstraint("challenge_id", "judge_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = owned_by("challenges.id")
    judge_id: Mapped[int] = owned_by("users.id", index=True)
    assigned_by_id: Mapped[int | None] = done_by("users.id")
    assigned_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ByAJudge(AboutAnEntry):
    """A record one judge keeps about one entry (unique per entry and judge)."""

    judge_id: Mapped[int] = owned_by("users.id", index=True)


class Scorecard(Timestamped, ByAJudge, Base):
    """One judge's scores for one entry: a draft until submitted, then final."""

    __tablename__ = "scorecards"
    # The unique constraint's index also serves lookups by submission.
    __table_args__ = (UniqueConstraint("submission_id", "judge_id"),)

    state: Mapped[ScorecardState] = mapped_column(
        str_enum(ScorecardState, "scorecard_state"), default=ScorecardState.DRAFT)
    comment: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[dt.datetime | None]

    scores: Mapped[list[CriterionScore]] = parts("CriterionScore.criterion_id")


class CriterionScore(Base):
    """A score from 0 to 10 (one decimal place) for one rubric criterion."""

    __tablename__ = "criterion_scores"

    scorecard_id: Mapped[int] = owned_by("scorecards.id", primary_key=True)
    criterion_id: Mapped[int] = owned_by("challenge_criteria.id", primary_key=True, index=True)
    score: Mapped[Decimal] = mapped_column(DecimalText)


class Recusal(ByAJudge, Base):
    """A judge's declared conflict of interest with an entry: it leaves their list and the
    computation."""

    __tablename__ = "recusals"
    __table_args__ = (UniqueConstraint("submission_id", "judge_id"),)

    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
