"""Awards (what one entry is paid, computed from the frozen prize rules and its verified outcomes
when the challenge's awards are proposed) and the entrants' appeals against them."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, done_by, kept_for, owned_by, str_enum, utcnow


class Award(Base):
    """What one shortlisted entry is given by one computation of its challenge's awards, zero
    included (with the reason). A money record: never updated or deleted (triggers refuse it on
    both databases) and never cascaded. An upheld appeal adds a new computation; the rows of the
    one before stay, and the latest computation is the one in force."""

    __tablename__ = "awards"
    __table_args__ = (
        UniqueConstraint("submission_id", "computation"),
        CheckConstraint("amount_minor >= 0", name="amount_not_negative"),
        CheckConstraint("held_back_minor >= 0 AND held_back_minor <= amount_minor",
                        name="holdback_within_amount"),
        CheckConstraint("computation >= 1", name="computation_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = kept_for("challenges.id", index=True)
    submission_id: Mapped[int] = kept_for("submissions.id")
    computation: Mapped[int] = mapped_column(Integer)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    held_back_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(Text)
    # The reasons as message templates with their values, so a page shows them in its language.
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    ledger_sequence: Mapped[int] = mapped_column(Integer)
    computed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    @property
    def paid_now_minor(self) -> int:
        return self.amount_minor - self.held_back_minor


class PaymentMethod(enum.StrEnum):
    BANK_TRANSFER = "bank_transfer"
    MOBILE_MONEY = "mobile_money"
    CHEQUE = "cheque"
    OTHER = "other"


class AwardPayment(Base):
    """One payment the sponsor made against an award: how much, when, how and a reference
    (never bank details). A money record, like `Award`."""

    __tablename__ = "award_payments"
    __table_args__ = (CheckConstraint("amount_minor > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = kept_for("awards.id", index=True)
    challenge_id: Mapped[int] = kept_for("challenges.id", index=True)
    submission_id: Mapped[int] = kept_for("submissions.id")
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    paid_on: Mapped[dt.date]
    method: Mapped[PaymentMethod] = mapped_column(str_enum(PaymentMethod, "payment_method"))
    reference: Mapped[str] = mapped_column(String(100))
    recorded_by_id: Mapped[int | None] = mapped_column(Integer)  # no FK: see LedgerEntry
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    ledger_sequence: Mapped[int] = mapped_column(Integer)


class HoldbackOutcome(enum.StrEnum):
    RELEASED = "released"
    FORFEITED = "forfeited"


class HoldbackCheck(Base):
    """The persistence check of an award's holdback: one per award, ever (the unique constraint
    settles two verifiers deciding at once). A money record, like `Award`."""

    __tablename__ = "holdback_checks"
    __table_args__ = (UniqueConstraint("award_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = kept_for("awards.id")
    challenge_id: Mapped[int] = kept_for("challenges.id", index=True)
    submission_id: Mapped[int] = kept_for("submissions.id")
    outcome: Mapped[HoldbackOutcome] = mapped_column(str_enum(HoldbackOutcome, "holdback_outcome"))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    measured: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    evidence: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    verifier_id: Mapped[int | None] = mapped_column(Integer)
    decided_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    ledger_sequence: Mapped[int] = mapped_column(Integer)


class AppealStatus(enum.StrEnum):
    OPEN = "open"
    UPHELD = "upheld"
    DISMISSED = "dismissed"


class Appeal(Base):
    """An entrant's appeal against the proposed awards, one per entry, decided by an admin.

    While it is open, verifiers may correct the entry's attested outcomes; upholding it
    recomputes the challenge's awards from the outcomes as they then are.
    """

    __tablename__ = "appeals"
    __table_args__ = (UniqueConstraint("submission_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = owned_by("challenges.id", index=True)
    submission_id: Mapped[int] = owned_by("submissions.id")
    appellant_id: Mapped[int | None] = done_by("users.id")
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[AppealStatus] = mapped_column(str_enum(AppealStatus, "appeal_status"),
                                                 default=AppealStatus.OPEN)
    decision: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = done_by("users.id")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[dt.datetime | None]
