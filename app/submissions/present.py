"""Entries as the API shows them (with the addresses of their files and receipts), and
receipts as the pages show them."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from app.submissions.access import Entry
from app.submissions.models import Submission, SubmissionFile, SubmissionReceipt
from app.submissions.schemas import (
    ReceiptRead,
    SubmissionFileRead,
    SubmissionRead,
    SubmissionSummary,
)

API = "/api/v1/submissions"


def receipt_read(submission_id: int, receipt: SubmissionReceipt) -> ReceiptRead:
    return ReceiptRead(number=receipt.number, sha256=receipt.sha256,
                       submitted_at=receipt.submitted_at,
                       url=f"{API}/{submission_id}/receipts/{receipt.number}")


def file_read(submission_id: int, record: SubmissionFile) -> SubmissionFileRead:
    return SubmissionFileRead(id=record.id, name=record.original_name,
                              media_type=record.media_type, size_bytes=record.size_bytes,
                              sha256=record.sha256, created_at=record.created_at,
                              url=f"{API}/{submission_id}/files/{record.id}")


def submission_read(entry: Entry, entrant: str) -> SubmissionRead:
    s = entry.submission
    return SubmissionRead(
        id=s.id, challenge_id=s.challenge_id, registration_id=s.registration_id,
        entrant=entrant, title=s.title, summary=s.summary, state=s.state,
        created_at=s.created_at, updated_at=s.updated_at, submitted_at=s.submitted_at,
        files=[file_read(s.id, f) for f in s.files],
        receipts=[receipt_read(s.id, r) for r in s.receipts])


def summary(submission: Submission, entrant: str) -> SubmissionSummary:
    latest = submission.receipts[-1] if submission.receipts else None
    return SubmissionSummary(
        id=submission.id, registration_id=submission.registration_id, entrant=entrant,
        title=submission.title, submitted_at=submission.submitted_at,
        file_count=len(submission.files),
        latest_receipt=receipt_read(submission.id, latest) if latest else None)


@dataclass(frozen=True)
class ReceiptView:
    """A receipt with what its document says (files and their hashes as they were then)."""

    number: int
    sha256: str
    submitted_at: dt.datetime
    document: dict[str, Any]

    @property
    def files(self) -> list[dict[str, Any]]:
        return list(self.document.get("files", []))


def receipt_view(receipt: SubmissionReceipt) -> ReceiptView:
    return ReceiptView(number=receipt.number, sha256=receipt.sha256,
                       submitted_at=receipt.submitted_at,
                       document=json.loads(receipt.canonical_json))
