"""A verifier's attestation of one measured outcome of one entry against one target."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.challenges.types import DecimalText
from app.db import Base, done_by, owned_by, utcnow
from app.submissions.models import AboutAnEntry


class OutcomeAttestation(AboutAnEntry, Base):
    """The measured value a verifier attests for an entry's target, with the evidence.

    One per entry and target: a correction replaces the value while verification is open, and
    every version is kept in the history (`history.record`, entity type `outcome_attestation`).
    `met` is decided by `outcomes.is_met` against the frozen target when it is attested.
    """

    __tablename__ = "outcome_attestations"
    # The unique constraint's index also serves lookups by submission.
    __table_args__ = (UniqueConstraint("submission_id", "target_id"),)

    target_id: Mapped[int] = owned_by("challenge_targets.id", index=True)
    measured_value: Mapped[Decimal] = mapped_column(DecimalText)
    met: Mapped[bool]
    evidence: Mapped[str] = mapped_column(Text)
    evidence_url: Mapped[str | None] = mapped_column(String(500))
    verifier_id: Mapped[int | None] = done_by("users.id", index=True)
    attested_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
