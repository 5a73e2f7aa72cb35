"""Trust and safety: reports of content and profiles, and the moderators' queue.

How hiding is stored and honoured. Each moderated row carries its own nullable hidden time
(`challenges.hidden_at`, `challenge_questions.question_hidden_at` and `answer_hidden_at`,
`teams.name_hidden_at`, `suggestions.hidden_at`, `users.profile_hidden_at`). The row is kept;
the owning domain leaves the words out wherever it presents the row (pages say "hidden by
moderators" in their place) using nothing but its own column, so no lower domain imports
moderation and nothing registers a hook. A hidden challenge drops out of `access.can_see`, the
list and search query and the feeds for everyone but its sponsor and admins. Who hid it and why
are in the reports the decision closed and in the audit log; this package only writes those
columns (app/moderation/subjects.py), with a compare-and-set.

A decision (hide, restore, dismiss) decides every open report of its subject at once. Two
moderators deciding together: each writes with `WHERE state = 'open'` (and `hidden_at IS NULL`
/ `IS NOT NULL`) and checks the row count, so the second is told it was already decided (409)
and its request's writes roll back; no row lock is needed (SQLite has none).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.accounts.models import Role, User
from app.audit import service as audit
from app.db import utcnow
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.i18n.translate import N_, translatable
from app.kit import rate_limit
from app.kit.links import site_link
from app.moderation import subjects
from app.moderation.models import Report, ReportReason, ReportState, SubjectKind
from app.moderation.schemas import Decision, DecisionRead, ReportedSubject
from app.notifications import service as notifications

REPORTS_PER_DAY = 30  # per person: enough for honest use, too few to flood the queue
QUEUE_LIMIT = 500  # reports read for one page of the queue

REASON_LABELS: dict[str, str] = {
    ReportReason.SPAM.value: N_("Spam"),
    ReportReason.ABUSE.value: N_("Abuse or harassment"),
    ReportReason.ILLEGAL.value: N_("Illegal content"),
    ReportReason.PERSONAL_DATA.value: N_("Personal data"),
    ReportReason.MISLEADING.value: N_("Misleading"),
    ReportReason.OTHER.value: N_("Other"),
}
KIND_LABELS: dict[str, str] = {
    SubjectKind.QUESTION.value: N_("question"), SubjectKind.ANSWER.value: N_("answer"),
    SubjectKind.TEAM.value: N_("team name"), SubjectKind.CHALLENGE.value: N_("challenge"),
    SubjectKind.SUGGESTION.value: N_("suggestion"), SubjectKind.PROFILE.value: N_("profile"),
}


def is_moderator(user: User | None) -> bool:
    return user is not None and user.has_role(Role.CURATOR, Role.ADMIN)


def require_moderator(user: User) -> None:
    # Checked at the moment of the request: a revoked curator decides nothing more.
    if not is_moderator(user):
        raise Forbidden(N_("This needs the curator or admin role."), code="missing_role")


def reportable(db: Session, *, kind: SubjectKind, subject_id: int,
               viewer: User) -> subjects.Subject:
    """The subject as `viewer` may report it; 404 if they cannot see it (or it is hidden)."""
    subject = subjects.find(db, kind=kind, subject_id=subject_id)
    if subject is None or subject.hidden or not subjects.visible_to(db, subject, viewer):
        raise NotFound(N_("There is nothing to report here."))
    return subject


def report(db: Session, *, reporter: User, kind: SubjectKind, subject_id: int,
           reason: ReportReason, note: str | None) -> tuple[Report, bool]:
    """File a report; a second one by the same person on the same subject while the first is
    open is the first (returned with False)."""
    subject = reportable(db, kind=kind, subject_id=subject_id, viewer=reporter)
    existing = _open_report_of(db, reporter.id, kind, subject_id)
    if existing is not None:
        return existing, False
    rate_limit.check_and_record(db, action="moderation.report", key=f"user:{reporter.id}",
                                limit=REPORTS_PER_DAY, window=rate_limit.DAY,
                                what=N_("reports"))
    item = Report(reporter_id=reporter.id, subject_kind=kind, subject_id=subject_id,
                  reason=reason, note=(note or "").strip() or None, excerpt=subject.excerpt,
                  state=ReportState.OPEN, created_at=utcnow())
    try:
        with db.begin_nested():  # the same report sent twice at once: the index keeps one
            db.add(item)
            db.flush()
    except IntegrityError:
        existing = _open_report_of(db, reporter.id, kind, subject_id)
        if existing is None:
            raise
        return existing, False
    return item, True


def _open_report_of(db: Session, reporter_id: int, kind: SubjectKind,
                    subject_id: int) -> Report | None:
    return db.scalar(select(Report).where(
        Report.reporter_id == reporter_id, Report.subject_kind == kind,
        Report.subject_id == subject_id, Report.state == ReportState.OPEN))


def reports_of(db: Session, *, reporter: User, limit: int = 50) -> list[Report]:
    """The person's own reports, newest first."""
    return list(db.scalars(select(Report).where(Report.reporter_id == reporter.id)
                           .order_by(Report.id.desc()).limit(limit)))


@dataclass
class _Group:
    reports: list[Report] = field(default_factory=list)


def queue(db: Session, *, moderator: User, state: ReportState = ReportState.OPEN
          ) -> list[ReportedSubject]:
    """Reports in `state` grouped by subject, the most reported first (then the oldest)."""
    require_moderator(moderator)
    rows = list(db.scalars(select(Report).where(Report.state == state)
                           .order_by(Report.created_at, Report.id).limit(QUEUE_LIMIT)))
    groups: dict[tuple[SubjectKind, int], list[Report]] = {}
    for r in rows:
        groups.setdefault((r.subject_kind, r.subject_id), []).append(r)
    out: list[ReportedSubject] = []
    for (kind, subject_id), reports in groups.items():
        subject = subjects.find(db, kind=kind, subject_id=subject_id)
        out.append(ReportedSubject(
            subject_kind=kind, subject_id=subject_id,
            excerpt=subject.excerpt if subject else reports[-1].excerpt,
            hidden=bool(subject and subject.hidden), url=subject.url if subject else None,
            count=len(reports), reasons=dict(Counter(r.reason.value for r in reports)),
            notes=[r.note for r in reports if r.note], first_reported_at=reports[0].created_at,
            exists=subject is not None))
    out.sort(key=lambda g: (-g.count, g.first_reported_at))
    return out


_OUTCOME = {
    Decision.HIDE: (ReportState.HIDDEN, N_("hidden")),
    Decision.RESTORE: (ReportState.RESTORED, N_("shown again")),
    Decision.DISMISS: (ReportState.DISMISSED, N_("left as it is")),
}


def decide(db: Session, *, moderator: User, kind: SubjectKind, subject_id: int,
           action: Decision, reason: str, ip: str | None = None) -> DecisionRead:
    """Hide, restore or dismiss: decides every open report of the subject, audited, and tells
    each reporter the outcome. 409 when another moderator already decided it."""
    require_moderator(moderator)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(fields={"reason": N_("Say why (the reporters are told).")})
    subject = subjects.find(db, kind=kind, subject_id=subject_id)
    if subject is None:
        raise NotFound(N_("There is no such thing to moderate."))
    if action == Decision.HIDE and not subjects.set_hidden(db, subject=subject, at=utcnow()):
        raise Conflict(N_("This is already hidden."), code="already_decided")
    if action == Decision.RESTORE and not subjects.set_hidden(db, subject=subject, at=None):
        raise Conflict(N_("This is not hidden."), code="already_decided")
    open_reports = list(db.execute(select(Report.id, Report.reporter_id).where(
        Report.subject_kind == kind, Report.subject_id == subject_id,
        Report.state == ReportState.OPEN)).all())
    if action == Decision.DISMISS and not open_reports:
        raise Conflict(N_("No report of this is open: it was already decided."),
                       code="already_decided")
    state, outcome = _OUTCOME[action]
    decided = 0
    if open_reports:
        result = db.execute(update(Report).where(
            Report.id.in_([r.id for r in open_reports]), Report.state == ReportState.OPEN)
            .values(state=state, decided_at=utcnow(), decided_by_id=moderator.id,
                    decision_reason=reason).execution_options(synchronize_session=False))
        decided = int(getattr(result, "rowcount", 0) or 0)
        if decided != len(open_reports):
            raise Conflict(N_("Another moderator decided these reports meanwhile; reload "
                              "the queue."), code="already_decided")
    audit.record(db, event=f"moderation.{action.value}", actor_id=moderator.id,
                 subject_user_id=subject.author_id if kind == SubjectKind.PROFILE else None,
                 ip=ip, subject_kind=kind.value, subject_id=subject_id, reason=reason,
                 reports=decided, author_id=subject.author_id)
    reporters = {r.reporter_id for r in open_reports if r.reporter_id is not None}
    if reporters:
        notifications.queue_many(
            db, recipient_ids=sorted(reporters),
            subject=translatable("Your report was decided: %(outcome)s",
                                 outcome=translatable(outcome)),
            body=translatable("You reported a %(kind)s: “%(excerpt)s”.\n\nThe moderators "
                              "decided: %(outcome)s.\nWhy: %(reason)s\n\n%(url)s",
                              kind=translatable(KIND_LABELS[kind.value]),
                              excerpt=subject.excerpt[:200], outcome=translatable(outcome),
                              reason=reason,
                              url=site_link(subject.url or "/")),
            kind="moderation.report_decided")
    return DecisionRead(subject_kind=kind, subject_id=subject_id, action=action,
                        hidden=action == Decision.HIDE or (subject.hidden and
                                                           action == Decision.DISMISS),
                        reports_decided=decided)
