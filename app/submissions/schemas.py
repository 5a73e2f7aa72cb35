"""Request and response models of entries.

The input models name only what an entrant writes (a title and a summary); state, receipts,
file sizes and hashes are the platform's, so no request can set them (and unknown fields are
refused by `InputModel`).
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from app.kit.schemas import InputModel, ReadModel
from app.submissions.models import SubmissionState

TITLE_MAX = 200
SUMMARY_MAX = 20_000


class SubmissionCreate(InputModel):
    title: str = Field(min_length=1, max_length=TITLE_MAX)
    summary: str = Field(default="", max_length=SUMMARY_MAX,
                         description="Markdown: what you propose and the outcome you expect")


class SubmissionUpdate(InputModel):
    """Only the fields given are changed."""

    title: str | None = Field(default=None, min_length=1, max_length=TITLE_MAX)
    summary: str | None = Field(default=None, max_length=SUMMARY_MAX)


class SubmissionFileRead(ReadModel):
    id: int
    name: str = Field(description="the sanitised name the file was uploaded with")
    media_type: str
    size_bytes: int
    sha256: str
    created_at: dt.datetime
    url: str = Field(description="where the file is downloaded")


class ReceiptRead(ReadModel):
    number: int
    sha256: str = Field(description="SHA-256 of the canonical JSON served at `url`")
    submitted_at: dt.datetime
    url: str


class SubmissionRead(ReadModel):
    id: int
    challenge_id: int
    registration_id: int
    entrant: str = Field(description="the team's name, or the registered person's name")
    title: str
    summary: str
    state: SubmissionState
    created_at: dt.datetime
    updated_at: dt.datetime
    submitted_at: dt.datetime | None
    files: list[SubmissionFileRead]
    receipts: list[ReceiptRead]


class SubmissionSummary(ReadModel):
    """One line of the sponsor's list of submitted entries."""

    id: int
    registration_id: int
    entrant: str
    title: str
    submitted_at: dt.datetime | None
    file_count: int
    latest_receipt: ReceiptRead | None
