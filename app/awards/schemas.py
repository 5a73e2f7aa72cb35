"""What the awards pages and API show. Amounts are integer minor units with their currency."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field, StrictInt

from app.awards.models import AppealStatus, PaymentMethod
from app.challenges.enums import ChallengeState
from app.challenges.schemas import ExactDecimal, TargetKey
from app.kit.schemas import IdValue, InputModel, IsoDate
from app.verification.outcomes import OutcomeStatus


class PaymentRead(BaseModel):
    id: int
    submission_id: int
    amount_minor: int
    currency: str
    paid_on: dt.date
    method: PaymentMethod
    reference: str
    recorded_at: dt.datetime
    ledger_sequence: int


class EntryAwardRead(BaseModel):
    submission_id: int
    code: str = Field(description="judging's code for the entry, as in the published inputs")
    title: str
    entrant: str
    judging_rank: int | None
    outcome: OutcomeStatus
    amount_minor: int = Field(description="0: no award")
    held_back_minor: int
    paid_now_minor: int
    currency: str
    reason: str
    reasons: list[str] = Field(description="each reason as a sentence")
    money_state: str = Field(description="no_award, proposed, payable, held, holdback_due, "
                                         "paid, forfeited or cancelled")
    paid_minor: int
    payable_minor: int = Field(description="what may be paid now")
    held_minor: int = Field(description="kept back until the persistence check")
    holdback_due_on: dt.date | None
    holdback: str | None = Field(description="released or forfeited, once checked")
    holdback_reason: str | None
    payments: list[PaymentRead]
    ledger_sequence: int | None = Field(description="the ledger entry recording this award")


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
    paid_minor: int | None
    held_minor: int | None
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


class PaymentIn(InputModel):
    submission_id: IdValue
    amount_minor: StrictInt = Field(ge=1, le=10**15, description="integer minor units")
    currency: str = Field(min_length=3, max_length=3, examples=["USD"])
    paid_on: IsoDate
    method: PaymentMethod
    reference: str = Field(min_length=1, max_length=100, pattern=r"[^\s\x00-\x1f\x85]",
                           description="the transfer's reference; never bank details")


class HoldbackCheckIn(InputModel):
    submission_id: IdValue
    measured: dict[TargetKey, ExactDecimal] = Field(
        description="target key -> the value measured again, as a decimal string")
    evidence: str = Field(min_length=1, max_length=5000, pattern=r"[^\s\x00-\x1f\x85]",
                          description="how the persistence was measured")


class HoldbackCheckRead(BaseModel):
    id: int
    submission_id: int
    outcome: str = Field(description="released or forfeited")
    amount_minor: int
    measured: dict[str, str]
    evidence: str
    reason: str
    decided_at: dt.datetime
    ledger_sequence: int


class ToDoRead(BaseModel):
    challenge_id: int
    challenge_title: str
    submission_id: int
    money_state: str = Field(description="payable (for the sponsor) or holdback_due (for "
                                         "verifiers)")
    amount_minor: int = Field(description="what is payable now, or the holdback to check")
    currency: str
    holdback_due_on: dt.date | None
