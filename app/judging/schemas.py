"""Request and response models of blind judging.

What a judge receives names an entry only by its code: no entrant, team, country, user,
registration, submission or file id, and not the uploaded file names (they often carry a name).
Scores are exact decimals like every measured value here: strings ("7.5") or integers, never
JSON floats; the schema states exactly what is taken.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, Field, SkipValidation, WithJsonSchema

from app.challenges.enums import ChallengeState
from app.i18n.translate import N_
from app.judging.models import ScorecardState
from app.kit.schemas import IdValue, InputModel

SCORE_HINT = N_("a number from 0 to 10 with at most one decimal place, e.g. 7.5")
SCORE_PATTERN = r"^(10(\.0)?|[0-9](\.[0-9])?)$"
# The form of the text; the range is left to the bounds below. Together they take exactly the
# strings SCORE_PATTERN describes (no "07.5", "7.50", "1e1" or " 7").
_SCORE_TEXT = re.compile(r"(0|[1-9][0-9]*)(\.[0-9])?")


def _score(value: Any) -> Any:
    """Exactly what the schema below promises: "7.5" or 7, never 7.5 as a JSON float, "7.50",
    "1e1" or true."""
    if isinstance(value, float):
        raise ValueError("give scores as strings (e.g. \"7.5\") or integers, never as "
                         "floating-point numbers")
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise ValueError(f"give {SCORE_HINT}, as a string or an integer")
    if isinstance(value, str) and not _SCORE_TEXT.fullmatch(value):
        raise ValueError(SCORE_HINT)
    return value


Score = Annotated[Decimal, BeforeValidator(_score),
                  Field(ge=0, le=10, decimal_places=1, allow_inf_nan=False),
                  WithJsonSchema({"anyOf": [
                      {"type": "string", "pattern": SCORE_PATTERN, "examples": ["7.5"]},
                      {"type": "integer", "minimum": 0, "maximum": 10}],
                      "description": SCORE_HINT})]


class AssignJudgeIn(InputModel):
    judge_id: IdValue


class CriterionScoreIn(InputModel):
    criterion_id: IdValue
    score: Score | None = Field(default=None, description="null or left out: not scored yet")


class ScorecardIn(InputModel):
    """A draft: the scores given so far (replacing those saved before) and a comment."""

    scores: list[CriterionScoreIn] = Field(default_factory=list, max_length=30)
    comment: str = Field(default="", max_length=5000)


class EntryStatus(enum.StrEnum):
    NOT_STARTED = "not_started"
    DRAFT = "draft"
    SUBMITTED = "submitted"


# ---- what a judge sees --------------------------------------------------------------------------

class CriterionRead(BaseModel):
    id: int
    name: str
    description: str
    weight: Decimal
    share: Decimal = Field(description="the weight divided by the sum of all weights")
    min_score: Decimal | None


class EntryFileRead(BaseModel):
    number: int = Field(description="1, 2, ... within the entry")
    name: str = Field(description="the download name: the entry code and the number")
    size_bytes: int
    url: str


class CriterionScoreRead(BaseModel):
    criterion_id: int
    score: Decimal | None


class ScorecardRead(BaseModel):
    """The signed-in judge's own scorecard; nobody else's is ever shown."""

    state: ScorecardState
    scores: list[CriterionScoreRead]
    comment: str
    weighted_total: Decimal | None = Field(description="once every criterion is scored")
    updated_at: dt.datetime
    submitted_at: dt.datetime | None


class EntrySummaryRead(BaseModel):
    code: str
    title: str
    status: EntryStatus
    url: str


class EntryRead(BaseModel):
    code: str
    title: str
    summary: str
    files: list[EntryFileRead]
    criteria: list[CriterionRead]
    scorecard: ScorecardRead | None


class AssignmentRead(BaseModel):
    challenge_id: int
    title: str
    state: ChallengeState
    expected: int = Field(description="entries to score (submitted entries minus recusals)")
    submitted: int
    url: str


# ---- what the challenge's manager sees -----------------------------------------------------------

class JudgeRead(BaseModel):
    id: int
    name: str
    organisation: str | None


class JudgeProgressRead(JudgeRead):
    expected: int
    submitted: int
    drafts: int
    recused: int
    missing: int = Field(description="scorecards expected and not submitted")
    removable: bool = Field(description="no scorecard submitted yet")


class PanelRead(BaseModel):
    challenge_id: int
    state: ChallengeState
    can_change: bool = Field(description="judges can be added and removed in this state")
    entries: int = Field(description="submitted entries")
    judging_ends_at: dt.datetime | None
    scoring_open: bool = Field(description="judges may still save and submit scorecards")
    missing: int = Field(description="scorecards expected and not submitted, all judges")
    judges: list[JudgeProgressRead]
    available_judges: list[JudgeRead]


class CriterionMeanRead(BaseModel):
    criterion: str
    mean: Decimal
    min_score: Decimal | None


class ResultRead(BaseModel):
    rank: int | None
    code: str
    submission_id: int
    title: str
    judges: int = Field(description="submitted scorecards counted")
    raw_mean: Decimal | None
    normalised: Decimal | None
    criterion_means: list[CriterionMeanRead]
    eligible: bool
    # Built here as `translatable` messages; not revalidated, so the page can translate them.
    flags: list[SkipValidation[str]]


class ResultsRead(BaseModel):
    challenge_id: int
    state: ChallengeState
    min_overall_score: Decimal | None
    results: list[ResultRead]
