"""Requests and answers of the moderation API."""

from __future__ import annotations

import datetime as dt
import enum

from pydantic import BaseModel, Field

from app.kit.schemas import IdValue, InputModel, IsoDateTime, ReadModel
from app.moderation.models import ReportReason, ReportState, SubjectKind


class ReportIn(InputModel):
    subject_kind: SubjectKind
    subject_id: IdValue
    reason: ReportReason
    note: str | None = Field(None, max_length=2000,
                             description="what moderators should know (optional)")


class ReportRead(ReadModel):
    """Your report (nobody is told who else reported the same thing)."""

    id: int
    subject_kind: SubjectKind
    subject_id: int
    reason: ReportReason
    note: str | None
    state: ReportState
    created_at: dt.datetime
    decided_at: dt.datetime | None
    decision_reason: str | None


class Decision(enum.StrEnum):
    HIDE = "hide"
    RESTORE = "restore"
    DISMISS = "dismiss"


class DecisionIn(InputModel):
    action: Decision
    reason: str = Field(min_length=1, max_length=2000,
                        description="why (told to the reporters and kept in the audit log)")


class ReportedSubject(BaseModel):
    """The reports of one subject in one state, for moderators (reporters are not named)."""

    subject_kind: SubjectKind
    subject_id: int
    excerpt: str = Field(description="the subject's words now (or as reported, if gone)")
    hidden: bool
    url: str | None
    count: int
    reasons: dict[str, int]
    notes: list[str]
    first_reported_at: dt.datetime
    exists: bool


class DecisionRead(BaseModel):
    subject_kind: SubjectKind
    subject_id: int
    action: Decision
    hidden: bool
    reports_decided: int


class StandingAction(enum.StrEnum):
    SUSPEND = "suspend"
    BAN = "ban"
    LIFT = "lift"


class StandingIn(InputModel):
    action: StandingAction
    until: IsoDateTime | None = Field(None, description="when a suspension ends (required to "
                                      "suspend)")
    reason: str | None = Field(None, max_length=2000,
                               description="told to the person (required to suspend or ban)")


class StandingRead(BaseModel):
    user_id: int
    standing: str = Field(description="active, suspended or banned")
    suspended_until: dt.datetime | None
    banned_at: dt.datetime | None
    reason: str | None
