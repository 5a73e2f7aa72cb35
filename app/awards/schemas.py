"""What the awards pages and API show. Amounts are integer minor units with their currency."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from app.awards.models import AppealStatus
from app.challenges.enums import ChallengeState
from app.kit.schemas import IdValue, InputModel
from app.verification.outcomes import OutcomeStatus


class EntryAwardRead(BaseModel):
    submission_id: int
    title: str
    entrant: str
    judging_rank: int | None
    outcome: OutcomeStatus
    amount_minor: int = Field(description="0: no award")
    held_back_minor: int
    paid_now_minor: int
    currency: str
    reason: str


class AwardsRead(BaseModel):
    """The proposed (or final) awards. Its manager sees every shortlisted entry; an entrant sees
    only their own entry (the totals are left out for them)."""

    challenge_id: int
    title: str
    state: ChallengeState
    currency: str
    purse_minor: int | None
    total_minor: int | None
    unallocated_minor: int | None
    holdback_delay_days: int | None
    awards_proposed_at: dt.datetime | None
    appeals_close_at: dt.datetime | None
    entries: list[EntryAwardRead]


class AppealIn(InputModel):
    submission_id: IdValue
    reason: str = Field(min_length=1, max_length=5000, pattern=r"[^\s\x00-\x1f\x85]",
                        description="what was applied wrongly, and the evidence for it")


class AppealDecisionIn(InputModel):
    outcome: Literal["upheld", "dismissed"]
    decision: str = Field(min_length=1, max_length=5000, pattern=r"[^\s\x00-\x1f\x85]",
                          description="the reasons, shown to the entrant")


class AppealRead(BaseModel):
    id: int
    challenge_id: int
    submission_id: int
    entry_title: str
    entrant: str
    reason: str
    status: AppealStatus
    decision: str | None
    created_at: dt.datetime
    decided_at: dt.datetime | None
