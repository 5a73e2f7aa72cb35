from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field


class LedgerEntryRead(BaseModel):
    """One entry. Until its challenge is final (or cancelled) only its place in the chain is
    public; the amount, entry, reason, payload and hashes are `null` and `sealed` is true for
    everyone but the challenge's sponsor and the admins."""

    sequence: int
    recorded_at: dt.datetime
    kind: str
    challenge_id: int
    sealed: bool
    submission_id: int | None = None
    amount_minor: int | None = Field(default=None, description="integer minor units")
    currency: str | None = None
    reason: str | None = None
    payload: str | None = Field(default=None, description="the canonical JSON that was hashed")
    prev_hash: str | None = None
    hash: str | None = None


class LedgerBreakRead(BaseModel):
    sequence: int
    problem: str = Field(description="hash_mismatch, sequence_gap, wrong_prev_hash or "
                                     "payload_mismatch")
    message: str


class LedgerCheckRead(BaseModel):
    ok: bool
    entries: int = Field(description="entries that chain correctly from the first")
    head: str = Field(description="SHA-256 of the last entry that chains correctly")
    broken: LedgerBreakRead | None = None
    head_asked: str | None = None
    head_found: bool | None = Field(
        default=None, description="whether the head given as ?head= is still in the chain")
