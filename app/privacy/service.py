"""Deleting an account: the person goes, the prize record stays.

The `users` row is kept, anonymised ("Deleted account #id"), because entries, scores, awards,
payments and the ledger refer to it by id and must keep meaning what they meant: the ledger and
the money tables are append-only (app/kit/append_only.py) and hold ids only, never a name or an
address, so nothing in them needs to change. What names or reaches the person goes: name, email,
organisation, country, language, password, sessions, tokens, linked providers, links sent by
email, the inbox, sign-in attempts for the address, the address in team invitations and in
audit details.

Deletion is refused while the record still needs the person: the last admin, the lead of a team
with other members, the sponsor of a challenge under way, a judge on a panel that is judging.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.orm import Session, aliased

from app.accounts import auth
from app.accounts.models import (
    AccountLink,
    ApiToken,
    ExternalIdentity,
    LoginAttempt,
    Role,
    User,
    UserRole,
    UserSession,
)
from app.audit import service as audit
from app.audit.models import AuditEvent
from app.challenges.enums import ChallengeState
from app.challenges.models import Challenge
from app.db import utcnow
from app.errors import Conflict
from app.i18n.translate import N_, translatable
from app.judging.models import JudgeAssignment
from app.notifications.models import OutboxMessage
from app.teams.models import InvitationState, Team, TeamInvitation, TeamMember, TeamRole

# A challenge in these states still needs its sponsor: to be reviewed, to run, to be judged,
# verified and to have its awards proposed. Drafts, and challenges that are final, archived or
# cancelled, stay on record without them.
SPONSOR_NEEDED = frozenset({
    ChallengeState.IN_REVIEW, ChallengeState.PUBLISHED, ChallengeState.OPEN,
    ChallengeState.CLOSED, ChallengeState.JUDGING, ChallengeState.VERIFICATION,
    ChallengeState.AWARDS_PROPOSED})
# A judge is needed until judging is over (a panel may be set up before the challenge closes).
PANEL_NEEDED = frozenset({ChallengeState.PUBLISHED, ChallengeState.OPEN, ChallengeState.CLOSED,
                          ChallengeState.JUDGING})
DELETED_NAME = "Deleted account #%(id)s"
# What replaces the address in invitations to it: a reserved name (RFC 2606) no mail reaches.
DELETED_ADDRESS = "deleted-account-%(id)s@deleted.invalid"
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")


@dataclass(frozen=True)
class Deleted:
    user_id: int
    sessions_ended: int
    tokens_revoked: int


def blockers(db: Session, *, user: User) -> list[str]:
    """Why the account cannot be deleted now (empty: it can), each a sentence saying what to do
    first."""
    found: list[str] = []
    if user.has_role(Role.ADMIN):
        admins = db.scalar(
            select(func.count()).select_from(UserRole).join(User, User.id == UserRole.user_id)
            .where(UserRole.role == Role.ADMIN, UserRole.user_id != user.id,
                   User.is_active.is_(True), User.deleted_at.is_(None))) or 0
        if not admins:
            found.append(N_("You are the platform's only admin: give another account the admin "
                            "role first, so someone can still run the platform."))
    others = aliased(TeamMember)
    led = db.scalars(
        select(Team.name).join(TeamMember, TeamMember.team_id == Team.id)
        .where(TeamMember.user_id == user.id, TeamMember.role == TeamRole.LEAD,
               exists().where(others.team_id == Team.id, others.user_id != user.id))
        .order_by(Team.id)).all()
    for name in led:
        found.append(translatable(
            "You lead team “%(team)s”, which has other members: hand the lead to one of them "
            "first (the team and its entries stay theirs).", team=name))
    for title, state in db.execute(
            select(Challenge.title, Challenge.state).where(
                Challenge.owner_id == user.id, Challenge.state.in_(SPONSOR_NEEDED))
            .order_by(Challenge.id)):
        found.append(translatable(
            "You sponsor “%(title)s”, which is under way (%(state)s): its entrants, judges and "
            "verifiers rely on you until its awards are final. Finish it, or withdraw or cancel "
            "it, first.", title=title, state=state.value))
    for title in db.scalars(
            select(Challenge.title).join(JudgeAssignment,
                                         JudgeAssignment.challenge_id == Challenge.id)
            .where(JudgeAssignment.judge_id == user.id,
                   Challenge.state.in_(PANEL_NEEDED)).order_by(Challenge.id)):
        found.append(translatable(
            "You are on the judging panel of “%(title)s”, whose judging is not over: finish "
            "your scorecards, or ask its sponsor to take you off the panel, first.", title=title))
    return found


def check_deletable(db: Session, *, user: User) -> None:
    """409 with every reason `blockers` finds (first, so a refused deletion costs no password
    try)."""
    reasons = blockers(db, user=user)
    if reasons:
        raise Conflict(" ".join(reasons), code="account_needed",
                       fields={"account": reasons[0]})


def delete_account(db: Session, *, user: User, ip: str | None = None) -> Deleted:
    """Anonymise `user` and cut every way into the account; 409 with the reasons when
    `blockers` finds any. The caller has confirmed the owner's identity."""
    check_deletable(db, user=user)
    now = utcnow()
    address = user.email_normalized
    # A compare-and-set: of two deletions at once (two tabs), one happens.
    done = db.execute(update(User).where(User.id == user.id, User.deleted_at.is_(None))
                      .values(display_name=DELETED_NAME % {"id": user.id}, email=None,
                              email_normalized=None, email_verified_at=None, organisation=None,
                              country_code=None, locale=None, password_hash=None,
                              is_active=False, deleted_at=now)
                      .execution_options(synchronize_session=False))
    if getattr(done, "rowcount", 0) != 1:
        raise Conflict(N_("This account was deleted already."), code="account_deleted")
    db.refresh(user)
    sessions = auth.end_all_sessions(db, user_id=user.id, reason="account.deleted")
    tokens = auth.revoke_all_tokens(db, user_id=user.id, reason="account.deleted")
    # Ended above (and audited), then gone: their devices, addresses and times are personal.
    for model in (UserSession, ApiToken, ExternalIdentity, AccountLink):
        db.execute(delete(model).where(model.user_id == user.id)
                   .execution_options(synchronize_session=False))
    # The inbox is the person's alone; nothing in the prize record refers to a message.
    db.execute(delete(OutboxMessage).where(OutboxMessage.recipient_id == user.id)
               .execution_options(synchronize_session=False))
    # A team the person led alone stays with its entries, but nobody is left to answer for
    # the invitations it sent: they are withdrawn.
    led = select(TeamMember.team_id).where(TeamMember.user_id == user.id,
                                           TeamMember.role == TeamRole.LEAD)
    db.execute(update(TeamInvitation).where(TeamInvitation.team_id.in_(led),
                                            TeamInvitation.state == InvitationState.PENDING)
               .values(state=InvitationState.REVOKED, decided_at=now, decided_by_id=user.id)
               .execution_options(synchronize_session=False))
    if address:
        _forget_address(db, user_id=user.id, address=address, now=now)
    audit.record(db, event="account.deleted", actor_id=user.id, subject_user_id=user.id, ip=ip,
                 sessions_ended=sessions, tokens_revoked=tokens)
    return Deleted(user.id, sessions, tokens)


def _forget_address(db: Session, *, user_id: int, address: str, now: dt.datetime) -> None:
    """The old address leaves the invitations, sign-in attempts and audit details that hold it;
    a pending invitation to it is declined (its team sees the place free again)."""
    db.execute(update(TeamInvitation).where(TeamInvitation.email == address,
                                            TeamInvitation.state == InvitationState.PENDING)
               .values(state=InvitationState.DECLINED, decided_at=now, decided_by_id=user_id)
               .execution_options(synchronize_session=False))
    db.execute(update(TeamInvitation).where(TeamInvitation.email == address)
               .values(email=DELETED_ADDRESS % {"id": user_id})
               .execution_options(synchronize_session=False))
    db.execute(delete(LoginAttempt).where(LoginAttempt.email_normalized == address)
               .execution_options(synchronize_session=False))
    # Audit events stay (who did what, by account id, with the client's IP address); only the
    # email addresses written into their details go: every address in the events by or about
    # the person (their earlier addresses too), and this address wherever it was tried.
    events = db.scalars(select(AuditEvent).where(
        (AuditEvent.subject_user_id == user_id) | (AuditEvent.actor_id == user_id)
        | (AuditEvent.details["email"].as_string() == address)))
    for event in events:
        details = dict(event.details or {})
        scrubbed = {key: None if isinstance(value, str) and _EMAIL.fullmatch(value.strip())
                    else value for key, value in details.items()}
        if scrubbed != details:
            event.details = scrubbed
    db.flush()
