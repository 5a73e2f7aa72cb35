"""Everything the platform holds about one person, as one JSON document ("Your data").

Each section reads its tables directly: the export is the one place that must see every table
that names a person, so it sits above every domain. `COVERED` names, for each column that points
at `users.id`, the section that exports its rows; `NOT_EXPORTED` names the ones left out and
why. tests/privacy/test_export.py walks the schema and fails for a column in neither, so a new
table that refers to people cannot be forgotten here.

What is never exported: password, session, token and link hashes (a copy of the file must open
no account), the bytes of uploaded files (their names, sizes and SHA-256 are), the bodies of
mail-only messages (a sign-in or reset link, kept out of the inbox for the same reason), and
anything that would break blind judging (a judge's scorecards name entries by their codes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.accounts.models import (
    AccountLink,
    ApiToken,
    ExternalIdentity,
    LoginAttempt,
    User,
    UserSession,
)
from app.audit.models import AuditEvent
from app.awards.models import Appeal, Award, AwardPayment, HoldbackCheck
from app.challenges.models import (
    Challenge,
    ChallengeAnnouncement,
    ChallengeQuestion,
    ChallengeRegistration,
    ChallengeTransition,
)
from app.config import get_settings
from app.db import utcnow
from app.history.models import Revision
from app.inventory.models import Suggestion
from app.judging import codes
from app.judging.models import JudgeAssignment, Recusal, Scorecard
from app.moderation.models import Report
from app.notifications.models import OutboxMessage
from app.notifications.service import MAIL_ONLY
from app.submissions.models import Submission, SubmissionState
from app.teams.models import Team, TeamInvitation, TeamMember
from app.verification.models import OutcomeAttestation

FORMAT = "valleycross.personal-data/1"

# "table.column" (a foreign key to users.id) -> the section of the export holding its rows.
COVERED: dict[str, str] = {
    "user_roles.user_id": "profile",
    "external_identities.user_id": "linked_sign_in_providers",
    "user_sessions.user_id": "sessions",
    "api_tokens.user_id": "api_tokens",
    "account_links.user_id": "email_links",
    "audit_events.actor_id": "audit_events",
    "audit_events.subject_user_id": "audit_events",
    "challenges.owner_id": "challenges_sponsored",
    "challenge_transitions.actor_id": "challenge_steps_taken",
    "challenge_questions.asker_id": "questions_asked",
    "challenge_questions.answered_by_id": "questions_answered",
    "challenge_announcements.author_id": "announcements",
    "challenge_registrations.user_id": "registrations",
    "teams.created_by_id": "teams",
    "team_members.user_id": "teams",
    "team_invitations.invited_by_id": "team_invitations_sent",
    "team_invitations.decided_by_id": "team_invitations_received",
    "submissions.created_by_id": "entries",
    "submission_files.uploaded_by_id": "entries",
    "submission_receipts.submitted_by_id": "entries",
    "judge_assignments.judge_id": "judging",
    "scorecards.judge_id": "judging",
    "recusals.judge_id": "judging",
    "outcome_attestations.verifier_id": "attestations",
    "appeals.appellant_id": "appeals",
    "appeals.decided_by_id": "appeals",
    "suggestions.author_id": "suggestions",
    "suggestions.decided_by_id": "suggestions_decided",
    "revisions.actor_id": "record_changes",
    "notification_outbox.recipient_id": "notifications",
    "reports.reporter_id": "reports_made",
    "reports.decided_by_id": "reports_decided",
}

# "table.column" -> why its rows are not in the export.
NOT_EXPORTED: dict[str, str] = {
    "user_roles.granted_by_id": "the roles an admin granted to others are those people's "
                                "data; each grant is also an audit event, which is exported",
    "judge_assignments.assigned_by_id": "who put a judge on a panel is the judge's record; "
                                        "the sponsor's own steps are exported as audit events",
}


def _t(value: dt.datetime | dt.date | None) -> str | None:
    """Aware UTC ISO 8601 (dates as YYYY-MM-DD)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    return value.isoformat()


def _rows(db: Session, stmt: Any) -> list[Any]:
    return list(db.scalars(stmt))


def _profile(user: User) -> dict[str, Any]:
    return {
        "id": user.id, "email": user.email, "email_verified_at": _t(user.email_verified_at),
        "display_name": user.display_name, "organisation": user.organisation,
        "country_code": user.country_code, "locale": user.locale,
        "has_password": user.password_hash is not None, "created_at": _t(user.created_at),
        "is_active": user.is_active, "suspended_until": _t(user.suspended_until),
        "banned_at": _t(user.banned_at), "standing_reason": user.standing_reason,
        "profile_hidden_at": _t(user.profile_hidden_at),
        "roles": [{"role": r.role.value, "granted_at": _t(r.granted_at)}
                  for r in sorted(user.roles, key=lambda r: r.role.value)],
    }


def _account(db: Session, user: User) -> dict[str, Any]:
    uid = user.id
    return {
        "linked_sign_in_providers": [
            {"issuer": i.issuer, "subject": i.subject, "email_claim": i.email_claim,
             "linked_at": _t(i.created_at), "last_login_at": _t(i.last_login_at)}
            for i in _rows(db, select(ExternalIdentity).where(ExternalIdentity.user_id == uid)
                           .order_by(ExternalIdentity.id))],
        "sessions": [
            {"device": s.user_agent, "ip": s.ip, "created_at": _t(s.created_at),
             "last_seen_at": _t(s.last_seen_at), "expires_at": _t(s.expires_at),
             "revoked_at": _t(s.revoked_at)}
            for s in _rows(db, select(UserSession).where(UserSession.user_id == uid)
                           .order_by(UserSession.id))],
        "api_tokens": [
            {"name": t.name, "prefix": t.prefix, "created_at": _t(t.created_at),
             "last_used_at": _t(t.last_used_at), "expires_at": _t(t.expires_at),
             "revoked_at": _t(t.revoked_at)}
            for t in _rows(db, select(ApiToken).where(ApiToken.user_id == uid)
                           .order_by(ApiToken.id))],
        "email_links": [
            {"purpose": link.purpose.value, "sent_to": link.email,
             "created_at": _t(link.created_at), "expires_at": _t(link.expires_at),
             "used_at": _t(link.used_at)}
            for link in _rows(db, select(AccountLink).where(AccountLink.user_id == uid)
                              .order_by(AccountLink.id))],
        "login_attempts": [
            {"ip": a.ip, "at": _t(a.attempted_at), "succeeded": a.succeeded}
            for a in _rows(db, select(LoginAttempt).where(
                LoginAttempt.email_normalized == user.email_normalized)
                .order_by(LoginAttempt.id))] if user.email_normalized else [],
        "audit_events": [
            {"event": e.event, "at": _t(e.occurred_at), "ip": e.ip,
             "by_you": e.actor_id == uid, "about_you": e.subject_user_id == uid,
             "details": e.details}
            for e in _rows(db, select(AuditEvent).where(
                or_(AuditEvent.actor_id == uid, AuditEvent.subject_user_id == uid))
                .order_by(AuditEvent.id))],
        "notifications": [
            {"kind": m.kind, "subject": m.subject,
             # A mail-only message carries a sign-in or reset link: never in a file.
             "body": None if m.kind.startswith(MAIL_ONLY) else m.body,
             "created_at": _t(m.created_at), "read_at": _t(m.read_at),
             "emailed_at": _t(m.sent_at), "sent_to": m.to_address}
            for m in _rows(db, select(OutboxMessage).where(OutboxMessage.recipient_id == uid)
                           .order_by(OutboxMessage.id))],
    }


def _teams(db: Session, user: User) -> tuple[dict[str, Any], set[int]]:
    uid = user.id
    memberships = _rows(db, select(TeamMember).where(TeamMember.user_id == uid))
    team_ids = {m.team_id for m in memberships}
    created = set(db.scalars(select(Team.id).where(Team.created_by_id == uid)))
    teams = {t.id: t for t in _rows(db, select(Team).where(Team.id.in_(team_ids | created)))}
    role = {m.team_id: m for m in memberships}
    received = _rows(db, select(TeamInvitation).where(or_(
        TeamInvitation.decided_by_id == uid,
        TeamInvitation.email == (user.email_normalized or ""))).order_by(TeamInvitation.id))
    sent = _rows(db, select(TeamInvitation).where(TeamInvitation.invited_by_id == uid)
                 .order_by(TeamInvitation.id))
    return {
        "teams": [
            {"team_id": t.id, "name": t.name, "created_at": _t(t.created_at),
             "created_by_you": t.created_by_id == uid,
             "your_role": role[t.id].role.value if t.id in role else None,
             "joined_at": _t(role[t.id].joined_at) if t.id in role else None}
            for t in sorted(teams.values(), key=lambda t: t.id)],
        "team_invitations_received": [
            {"team_id": i.team_id, "email": i.email, "state": i.state.value,
             "created_at": _t(i.created_at), "decided_at": _t(i.decided_at)}
            for i in received],
        "team_invitations_sent": [
            {"team_id": i.team_id, "email": i.email, "state": i.state.value,
             "created_at": _t(i.created_at), "decided_at": _t(i.decided_at)} for i in sent],
    }, team_ids


def _entries(db: Session, user: User, team_ids: set[int]) -> dict[str, Any]:
    """Registrations, entries and the money paid for them: the person's own, and their
    teams'."""
    uid = user.id
    registrations = _rows(db, select(ChallengeRegistration).where(or_(
        ChallengeRegistration.user_id == uid, ChallengeRegistration.team_id.in_(team_ids)))
        .order_by(ChallengeRegistration.id))
    reg_ids = [r.id for r in registrations]
    submissions = _rows(db, select(Submission).where(or_(
        Submission.registration_id.in_(reg_ids), Submission.created_by_id == uid))
        .order_by(Submission.id))
    sub_ids = [s.id for s in submissions]
    awards = _rows(db, select(Award).where(Award.submission_id.in_(sub_ids))
                   .order_by(Award.id))
    payments = _rows(db, select(AwardPayment).where(AwardPayment.submission_id.in_(sub_ids))
                     .order_by(AwardPayment.id))
    checks = _rows(db, select(HoldbackCheck).where(HoldbackCheck.submission_id.in_(sub_ids))
                   .order_by(HoldbackCheck.id))
    return {
        "registrations": [
            {"id": r.id, "challenge_id": r.challenge_id, "solver_kind": r.solver_kind.value,
             "team_id": r.team_id, "team_name": r.team_name, "team_size": r.team_size,
             "country_code": r.country_code, "registered_by_you": r.user_id == uid,
             "created_at": _t(r.created_at)} for r in registrations],
        "entries": [
            {"id": s.id, "challenge_id": s.challenge_id, "registration_id": s.registration_id,
             "title": s.title, "summary": s.summary, "state": s.state.value,
             "created_at": _t(s.created_at), "updated_at": _t(s.updated_at),
             "submitted_at": _t(s.submitted_at),
             "files": [{"name": f.original_name, "media_type": f.media_type,
                        "size_bytes": f.size_bytes, "sha256": f.sha256,
                        "uploaded_by_you": f.uploaded_by_id == uid,
                        "uploaded_at": _t(f.created_at)} for f in s.files],
             "receipts": [{"number": r.number, "sha256": r.sha256,
                           "submitted_at": _t(r.submitted_at),
                           "submitted_by_you": r.submitted_by_id == uid} for r in s.receipts]}
            for s in submissions],
        "awards": [
            {"entry_id": a.submission_id, "challenge_id": a.challenge_id,
             "computation": a.computation, "amount_minor": a.amount_minor,
             "held_back_minor": a.held_back_minor, "currency": a.currency, "reason": a.reason,
             "computed_at": _t(a.computed_at), "ledger_sequence": a.ledger_sequence}
            for a in awards],
        "payments": [
            {"entry_id": p.submission_id, "challenge_id": p.challenge_id,
             "amount_minor": p.amount_minor, "currency": p.currency, "paid_on": _t(p.paid_on),
             "method": p.method.value, "reference": p.reference,
             "recorded_at": _t(p.recorded_at), "ledger_sequence": p.ledger_sequence}
            for p in payments],
        "holdback_checks": [
            {"entry_id": c.submission_id, "challenge_id": c.challenge_id,
             "outcome": c.outcome.value, "amount_minor": c.amount_minor,
             "decided_at": _t(c.decided_at), "reason": c.reason} for c in checks],
    }


def _entry_codes(db: Session, challenge_ids: Iterable[int]) -> dict[int, str]:
    """submission id -> the code its judges know it by (as app.judging.service makes them)."""
    found: dict[int, str] = {}
    for challenge_id in set(challenge_ids):
        ids = list(db.scalars(select(Submission.id).where(
            Submission.challenge_id == challenge_id,
            Submission.state == SubmissionState.SUBMITTED)))
        found.update(codes.codes_for(get_settings().secret_key, challenge_id, ids))
    return found


def _roles_work(db: Session, user: User) -> dict[str, Any]:
    """What the person did as a sponsor, judge, verifier, curator or admin."""
    uid = user.id
    cards = _rows(db, select(Scorecard).where(Scorecard.judge_id == uid).order_by(Scorecard.id))
    recusals = _rows(db, select(Recusal).where(Recusal.judge_id == uid).order_by(Recusal.id))
    code = _entry_codes(db, [c.challenge_id for c in cards] + [r.challenge_id for r in recusals])
    return {
        "challenges_sponsored": [
            {"id": c.id, "title": c.title, "state": c.state.value,
             "sponsor_organisation": c.sponsor_organisation, "contact": c.contact,
             "created_at": _t(c.created_at), "updated_at": _t(c.updated_at)}
            for c in _rows(db, select(Challenge).where(Challenge.owner_id == uid)
                           .order_by(Challenge.id))],
        "challenge_steps_taken": [
            {"challenge_id": s.challenge_id, "action": s.action, "to_state": s.to_state.value,
             "reason": s.reason, "at": _t(s.at)}
            for s in _rows(db, select(ChallengeTransition).where(
                ChallengeTransition.actor_id == uid).order_by(ChallengeTransition.id))],
        "questions_asked": [
            {"challenge_id": q.challenge_id, "question": q.body, "asked_at": _t(q.created_at),
             "answer": q.answer, "answered_at": _t(q.answered_at)}
            for q in _rows(db, select(ChallengeQuestion).where(
                ChallengeQuestion.asker_id == uid).order_by(ChallengeQuestion.id))],
        "questions_answered": [
            {"challenge_id": q.challenge_id, "answer": q.answer, "answered_at": _t(q.answered_at)}
            for q in _rows(db, select(ChallengeQuestion).where(
                ChallengeQuestion.answered_by_id == uid).order_by(ChallengeQuestion.id))],
        "announcements": [
            {"challenge_id": a.challenge_id, "title": a.title, "body": a.body,
             "created_at": _t(a.created_at)}
            for a in _rows(db, select(ChallengeAnnouncement).where(
                ChallengeAnnouncement.author_id == uid).order_by(ChallengeAnnouncement.id))],
        "judging": {
            "panels": [{"challenge_id": a.challenge_id, "assigned_at": _t(a.assigned_at)}
                       for a in _rows(db, select(JudgeAssignment).where(
                           JudgeAssignment.judge_id == uid).order_by(JudgeAssignment.id))],
            "scorecards": [
                {"challenge_id": c.challenge_id, "entry_code": code.get(c.submission_id),
                 "state": c.state.value, "comment": c.comment,
                 "scores": [{"criterion_id": s.criterion_id, "score": str(s.score)}
                            for s in c.scores],
                 "submitted_at": _t(c.submitted_at), "updated_at": _t(c.updated_at)}
                for c in cards],
            "recusals": [{"challenge_id": r.challenge_id, "entry_code": code.get(r.submission_id),
                          "at": _t(r.created_at)} for r in recusals],
        },
        "attestations": [
            {"challenge_id": a.challenge_id, "entry_id": a.submission_id,
             "target_id": a.target_id, "measured_value": str(a.measured_value), "met": a.met,
             "evidence": a.evidence, "evidence_url": a.evidence_url,
             "attested_at": _t(a.attested_at)}
            for a in _rows(db, select(OutcomeAttestation).where(
                OutcomeAttestation.verifier_id == uid).order_by(OutcomeAttestation.id))],
        "appeals": [
            {"challenge_id": a.challenge_id, "entry_id": a.submission_id,
             "filed_by_you": a.appellant_id == uid, "decided_by_you": a.decided_by_id == uid,
             "reason": a.reason, "status": a.status.value, "decision": a.decision,
             "created_at": _t(a.created_at), "decided_at": _t(a.decided_at)}
            for a in _rows(db, select(Appeal).where(or_(
                Appeal.appellant_id == uid, Appeal.decided_by_id == uid)).order_by(Appeal.id))],
        "suggestions": [
            {"entity_type": s.entity_type, "entity_id": s.entity_id, "payload": s.payload,
             "comment": s.comment, "status": s.status.value,
             "decision_reason": s.decision_reason, "created_at": _t(s.created_at),
             "decided_at": _t(s.decided_at)}
            for s in _rows(db, select(Suggestion).where(Suggestion.author_id == uid)
                           .order_by(Suggestion.id))],
        "suggestions_decided": [
            {"suggestion_id": s.id, "status": s.status.value,
             "decision_reason": s.decision_reason, "decided_at": _t(s.decided_at)}
            for s in _rows(db, select(Suggestion).where(Suggestion.decided_by_id == uid)
                           .order_by(Suggestion.id))],
        # Reports about the person are not here: who reported is kept from the reported.
        "reports_made": [
            {"subject_kind": r.subject_kind.value, "subject_id": r.subject_id,
             "reason": r.reason.value, "note": r.note, "state": r.state.value,
             "created_at": _t(r.created_at), "decided_at": _t(r.decided_at),
             "decision_reason": r.decision_reason}
            for r in _rows(db, select(Report).where(Report.reporter_id == uid)
                           .order_by(Report.id))],
        "reports_decided": [
            {"report_id": r.id, "subject_kind": r.subject_kind.value, "state": r.state.value,
             "decided_at": _t(r.decided_at), "decision_reason": r.decision_reason}
            for r in _rows(db, select(Report).where(Report.decided_by_id == uid)
                           .order_by(Report.id))],
        "record_changes": [
            {"entity_type": r.entity_type, "entity_id": r.entity_id, "revision": r.number,
             "action": r.action, "changed_fields": r.changed_fields, "note": r.note,
             "at": _t(r.created_at)}
            for r in _rows(db, select(Revision).where(Revision.actor_id == uid)
                           .order_by(Revision.id))],
    }


def personal_data(db: Session, *, user: User) -> dict[str, Any]:
    """The whole export of `user`: one JSON-ready document."""
    teams, team_ids = _teams(db, user)
    return {
        "format": FORMAT,
        "exported_at": _t(utcnow()),
        "user_id": user.id,
        "money": "amounts are integers in the currency's minor unit (cents), with its ISO 4217 "
                 "code",
        "profile": _profile(user),
        **_account(db, user),
        **teams,
        **_entries(db, user, team_ids),
        **_roles_work(db, user),
    }


def filename(user: User) -> str:
    return f"valleycross-{user.id}-{utcnow().date().isoformat()}.json"
