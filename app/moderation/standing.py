"""An account's standing: admins suspend (until a time) or ban it, or lift either.

Suspending or banning ends every browser session and revokes every token of the person at
once, in the same transaction (sign-in, sessions and tokens already refuse a blocked account:
app/accounts/auth.py), and tells them by email why. A suspension ends by itself at
`suspended_until`: nothing has to run then, as every check compares it with the clock.

No admin changes their own standing, and an admin's account is not suspended or banned while
it holds the admin role: revoke the role first (a separate, audited step on the users page).
So one admin cannot silently lock the others out, and a platform never loses its last admin by
a slip.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from app.accounts import auth
from app.accounts import service as accounts
from app.accounts.models import Role, User
from app.audit import service as audit
from app.db import utcnow
from app.errors import Conflict, Forbidden, ValidationFailed
from app.i18n.translate import N_, translatable
from app.moderation.schemas import StandingAction, StandingRead
from app.notifications import service as notifications


def read(user: User, now: dt.datetime | None = None) -> StandingRead:
    now = now or utcnow()
    if user.banned_at is not None:
        state = "banned"
    elif user.suspended_until is not None and user.suspended_until > now:
        state = "suspended"
    else:
        state = "active"
    return StandingRead(user_id=user.id, standing=state, suspended_until=user.suspended_until
                        if state == "suspended" else None, banned_at=user.banned_at,
                        reason=user.standing_reason if state != "active" else None)


def change(db: Session, *, admin: User, user_id: int, action: StandingAction,
           until: dt.datetime | None, reason: str | None, ip: str | None = None) -> StandingRead:
    """Suspend, ban or lift; audited, and the person is told."""
    if not admin.has_role(Role.ADMIN):
        raise Forbidden(N_("This needs the admin role."), code="missing_role")
    target = accounts.get(db, user_id=user_id)
    now = utcnow()
    reason = (reason or "").strip() or None
    if target.id == admin.id:
        raise Conflict(N_("You cannot change your own account's standing."), code="own_account")
    if action == StandingAction.LIFT:
        if not target.blocked_at(now) and target.suspended_until is None:
            raise Conflict(N_("This account is neither suspended nor banned."),
                           code="not_blocked")
        target.suspended_until = target.banned_at = None
        target.standing_reason = None
        db.flush()
        audit.record(db, event="user.standing_lifted", actor_id=admin.id,
                     subject_user_id=target.id, ip=ip, reason=reason)
        _tell(db, target, translatable("Your account can be used again"),
              translatable("An admin lifted the suspension or ban of your account; you can "
                           "sign in again."))
        return read(target, now)
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = N_("Give the reason; the person is told.")
    if action == StandingAction.SUSPEND:
        if until is None:
            errors["until"] = N_("Say until when.")
        elif until <= now:
            errors["until"] = N_("must be in the future")
    if errors:
        raise ValidationFailed(fields=errors)
    if target.has_role(Role.ADMIN):
        raise Conflict(N_("An admin is not suspended or banned: revoke the admin role "
                          "first."), code="target_is_admin")
    if action == StandingAction.BAN:
        target.banned_at, target.suspended_until = now, None
    else:
        target.banned_at, target.suspended_until = None, until
    target.standing_reason = reason
    db.flush()
    event = "user.banned" if action == StandingAction.BAN else "user.suspended"
    audit.record(db, event=event, actor_id=admin.id, subject_user_id=target.id, ip=ip,
                 reason=reason, until=until.isoformat() if until and
                 action == StandingAction.SUSPEND else None)
    auth.end_all_sessions(db, user_id=target.id, reason=event)
    auth.revoke_all_tokens(db, user_id=target.id, reason=event)
    _tell(db, target, translatable("Your account was suspended")
          if action == StandingAction.SUSPEND else translatable("Your account was banned"),
          auth.standing_message(target))
    return read(target, now)


def _tell(db: Session, user: User, subject: str, body: str) -> None:
    # Through the outbox: the person can no longer sign in to read the inbox, so it is the
    # email (`valleycross send-mail`) that reaches them.
    if user.deleted_at is None:
        notifications.queue(db, recipient_id=user.id, subject=subject, body=body,
                            kind="account.standing")
