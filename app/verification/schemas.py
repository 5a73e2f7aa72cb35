"""Bodies and answers of outcome verification. Measured values are exact decimals (strings or
integers in JSON, never floats), as the targets' thresholds are."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BaseModel, Field, WithJsonSchema, field_validator

from app.challenges.enums import ChallengeState
from app.challenges.schemas import ExactDecimal
from app.i18n.translate import N_
from app.kit.schemas import InputModel
from app.verification.outcomes import OutcomeStatus, TargetRecord

# The document states exactly what is accepted (a schema-valid value is never refused): an
# integer, or a decimal written as a string, at most 20 digits before the point and 10 after.
MEASURED_VALUE_SCHEMA = {"anyOf": [
    {"type": "integer", "minimum": -(10**20) + 1, "maximum": 10**20 - 1},
    {"type": "string", "pattern": r"^-?[0-9]{1,20}(\.[0-9]{1,10})?$"}]}
MeasuredValue = Annotated[ExactDecimal, WithJsonSchema(MEASURED_VALUE_SCHEMA)]


# Some character other than white space (as Python, pydantic and JSON Schema each define it).
EVIDENCE = r"[^\s\x00-\x1f\x85]"
EVIDENCE_URL = r"^https?://[^\s/?#@\[\]\x00-\x1f\x7f]+([/?#][^\s\x00-\x1f\x7f]*)?$"


class AttestationIn(InputModel):
    measured_value: MeasuredValue = Field(
        description="the verified measurement in the target's unit, e.g. \"1250.5\"")
    evidence: str = Field(min_length=1, max_length=5000, pattern=EVIDENCE,
                          description="how, where and when it was measured, by whom")
    evidence_url: str | None = Field(None, max_length=500, pattern=EVIDENCE_URL,
                                     description="an http(s) address of the evidence")

    @field_validator("evidence", mode="before")
    @classmethod
    def _some_evidence(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            raise ValueError(N_("say how, where and when it was measured"))
        return value

    @field_validator("evidence_url", mode="before")
    @classmethod
    def _web_address(cls, value: Any) -> Any:
        if isinstance(value, str):
            if not value.strip():
                return None
            if not re.match(EVIDENCE_URL, value.strip()):
                raise ValueError(N_("must be an http:// or https:// address"))
        return value


class EntryOutcomeRead(BaseModel):
    submission_id: int
    title: str
    entrant: str
    judging_rank: int | None
    status: OutcomeStatus
    targets: list[TargetRecord]


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
