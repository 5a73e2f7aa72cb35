"""Reports of content or profiles that may break the rules, and what moderators decided.

Whether something is hidden is not kept here: it is a column of the reported row itself
(`challenges.hidden_at`, `challenge_questions.question_hidden_at` / `answer_hidden_at`,
`teams.name_hidden_at`, `suggestions.hidden_at`, `users.profile_hidden_at`), so each domain
honours it with its own column and never imports this one (see app/moderation/service.py).
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, done_by, str_enum, utcnow


class SubjectKind(enum.StrEnum):
    QUESTION = "question"
    ANSWER = "answer"
    TEAM = "team"
    CHALLENGE = "challenge"
    SUGGESTION = "suggestion"
    PROFILE = "profile"


class ReportReason(enum.StrEnum):
    SPAM = "spam"
    ABUSE = "abuse"
    ILLEGAL = "illegal"
    PERSONAL_DATA = "personal_data"
    MISLEADING = "misleading"
    OTHER = "other"


class ReportState(enum.StrEnum):
    OPEN = "open"
    HIDDEN = "hidden"  # upheld: the subject was hidden
    DISMISSED = "dismissed"  # nothing to act on
    RESTORED = "restored"  # the subject was hidden, then shown again


class Report(Base):
    """One person's report of one subject. While it is open, the same person's second report of
    the same subject is this one (a partial unique index holds it on both backends)."""

    __tablename__ = "reports"
    __table_args__ = (
        Index("ix_reports_subject_state", "subject_kind", "subject_id", "state"),
        Index("uq_reports_open_per_reporter", "reporter_id", "subject_kind", "subject_id",
              unique=True, sqlite_where=text("state = 'open'"),
              postgresql_where=text("state = 'open'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int | None] = done_by("users.id")
    subject_kind: Mapped[SubjectKind] = mapped_column(str_enum(SubjectKind, "report_subject"))
    subject_id: Mapped[int]
    reason: Mapped[ReportReason] = mapped_column(str_enum(ReportReason, "report_reason"))
    note: Mapped[str | None] = mapped_column(Text)
    state: Mapped[ReportState] = mapped_column(str_enum(ReportState, "report_state"),
                                               default=ReportState.OPEN)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[dt.datetime | None]
    decided_by_id: Mapped[int | None] = done_by("users.id")
    decision_reason: Mapped[str | None] = mapped_column(Text)
    # The subject's words when it was reported (a queue keeps showing what was reported even if
    # the author edits it afterwards).
    excerpt: Mapped[str] = mapped_column(String(500), default="")
