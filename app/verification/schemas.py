"""Bodies and answers of outcome verification. Measured values are exact decimals (strings or
integers in JSON, never floats), as the targets' thresholds are."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, Field

from app.challenges.enums import ChallengeState, Direction
from app.challenges.schemas import ExactDecimal
from app.kit.schemas import InputModel
from app.verification.outcomes import OutcomeStatus


class AttestationIn(InputModel):
    measured_value: ExactDecimal = Field(
        description="the verified measurement in the target's unit, e.g. \"1250.5\"")
    evidence: str = Field(min_length=1, max_length=5000,
                          description="how, where and when it was measured, by whom")
    evidence_url: str | None = Field(None, max_length=500,
                                     description="an http(s) address of the evidence")


class TargetOutcomeRead(BaseModel):
    key: str
    metric: str
    unit: str
    direction: Direction
    threshold: Decimal
    required: bool
    verification_method: str
    measured_value: Decimal | None
    met: bool | None
    evidence: str | None
    evidence_url: str | None
    verifier: str | None
    attested_at: dt.datetime | None


class EntryOutcomeRead(BaseModel):
    submission_id: int
    title: str
    entrant: str
    judging_rank: int | None
    status: OutcomeStatus
    targets: list[TargetOutcomeRead]


class VerificationRead(BaseModel):
    """A challenge's verification: the entries judging shortlisted and each one's outcomes."""

    challenge_id: int
    title: str
    state: ChallengeState
    verification_closes_at: dt.datetime | None
    accepting: bool = Field(description="verifiers may attest now")
    entries: list[EntryOutcomeRead]


class VerificationQueueRead(BaseModel):
    challenge_id: int
    title: str
    verification_closes_at: dt.datetime | None
    entries: int
    verified: int
    not_met: int
    pending: int
