"""Entries to a challenge: one submission per registration, its PDF files and its receipts."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import BigInteger, CheckConstraint, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, Timestamped, done_by, owned_by, parts, str_enum, utcnow


class AboutAnEntry:
    """The columns of a record about one entry of a challenge, which goes with the entry
    (a scorecard, a recusal, an attestation): its own id, the challenge, the submission."""

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = owned_by("challenges.id", index=True)
    submission_id: Mapped[int] = owned_by("submissions.id")


class SubmissionState(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class Submission(Timestamped, Base):
    """A registration's entry. Editable as a draft while the challenge is open; submitting it
    freezes the content and issues a receipt (a canonical JSON document and its SHA-256)."""

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = owned_by("challenges.id", index=True)
    registration_id: Mapped[int] = owned_by("challenge_registrations.id", unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[SubmissionState] = mapped_column(
        str_enum(SubmissionState, "submission_state"), default=SubmissionState.DRAFT)
    created_by_id: Mapped[int | None] = done_by("users.id")
    submitted_at: Mapped[dt.datetime | None]

    files: Mapped[list[SubmissionFile]] = parts("SubmissionFile.id")
    receipts: Mapped[list[SubmissionReceipt]] = parts("SubmissionReceipt.number")


class SubmissionFile(Base):
    """An uploaded file, stored under a random name; the given name is kept only for display."""

    __tablename__ = "submission_files"
    __table_args__ = (CheckConstraint("size_bytes >= 0", name="size_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = owned_by("submissions.id", index=True)
    original_name: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(100), unique=True)
    media_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = done_by("users.id")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class SubmissionReceipt(Base):
    """What was submitted, when and by whom: kept for every submission of the entry, never
    changed (a re-submission after reopening adds the next number)."""

    __tablename__ = "submission_receipts"
    __table_args__ = (UniqueConstraint("submission_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = owned_by("submissions.id", index=True)
    number: Mapped[int]
    canonical_json: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    submitted_at: Mapped[dt.datetime]
    submitted_by_id: Mapped[int | None] = done_by("users.id")
