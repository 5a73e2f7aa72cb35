"""Getting back in: a password reset, or a sign-in link, sent by email.

Both answer the asker the same whether or not the address has an account (the callers show one
"check your inbox" message), and both are throttled per address and per client whatever the
address. A blocked (suspended, banned), disabled or deleted account gets no link. The sign-in
link is how the owner always gets in, even while the password sign-in is throttled.

Following either link proves the mailbox, so the account's address counts as confirmed.
"""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.orm import Session

from app.accounts import auth, email_links
from app.accounts import service as accounts
from app.accounts.models import LinkPurpose, LoginAttempt, User
from app.accounts.passwords import hash_password, password_problem
from app.audit import service as audit
from app.db import utcnow
from app.errors import Forbidden, ValidationFailed
from app.i18n.translate import N_, translatable
from app.notifications import service as notifications

RESET_SENT = N_("If an account here has this address, we emailed it a link to choose a new "
                "password. The link works once, within an hour.")
SIGN_IN_SENT = N_("If an account here has this address, we emailed it a sign-in link. The link "
                  "works once, within 15 minutes.")


def _account_to_mail(db: Session, *, email: str) -> User | None:
    """The account a link may go to: active, not blocked, not deleted, with this address."""
    user = accounts.get_by_email(db, email=email)
    if (user is None or not user.is_active or user.deleted_at is not None
            or user.blocked_at(utcnow()) or not user.email):
        return None
    return user


def request_password_reset(db: Session, *, email: str, ip: str) -> str:
    """Mail a one-hour reset link to the address's account, if it may have one; returns the
    message to show, the same either way."""
    _mail_link(db, email=email, ip=ip, purpose=LinkPurpose.RESET_PASSWORD,
               event="password.reset_requested",
               subject=translatable("Reset your Valleycross password"),
               body=N_("Someone, probably you, asked to reset the password of your "
                       "Valleycross account. Follow this link to choose a new one (it works "
                       "once, within an hour):\n\n%(link)s\n\nUsing it signs you out "
                       "everywhere. If you did not ask for this, ignore this message: your "
                       "password stays as it is."))
    return RESET_SENT


def _mail_link(db: Session, *, email: str, ip: str, purpose: LinkPurpose, event: str,
               subject: str, body: str) -> None:
    """Throttle, then mail a `purpose` link to the address's account if it may have one;
    `body` has a %(link)s placeholder. Audited either way, with whether a link went out."""
    normalized = accounts.normalize_email(email)
    email_links.throttle(db, action=f"link.{purpose.value}", key=f"email:{normalized}",
                         per_ip=ip)
    user = _account_to_mail(db, email=normalized)
    if user is None:
        audit.record(db, event=event, ip=ip, email=normalized, sent=False)
        return
    raw = email_links.issue(db, user=user, purpose=purpose, email=normalized)
    notifications.queue(db, recipient_id=user.id, subject=subject,
                        body=translatable(body, link=email_links.url(purpose, raw)),
                        kind=email_links.KIND_LINK[purpose], to_address=user.email)
    audit.record(db, event=event, subject_user_id=user.id, ip=ip, email=normalized, sent=True)


def reset_password(db: Session, *, raw: str, password: str, ip: str) -> User:
    """Set a new password through a reset link: the address is proven, every session ends, and
    the sign-in throttle of the account is cleared."""
    link = email_links.peek(db, raw=raw, purpose=LinkPurpose.RESET_PASSWORD)
    user = accounts.get(db, user_id=link.user_id)
    problem = password_problem(password, email=user.email_normalized)
    if problem:  # checked before the link is used, so the person can try another password
        raise ValidationFailed(fields={"password": problem})
    email_links.consume(db, raw=raw, purpose=LinkPurpose.RESET_PASSWORD)
    _refuse_blocked(user)
    user.password_hash = hash_password(password)
    email_links.mark_verified(user, address=link.email)
    email_links.void(db, user_id=user.id, purpose=LinkPurpose.SIGN_IN)
    auth.end_all_sessions(db, user_id=user.id, reason="password.reset")
    clear_login_throttle(db, email=user.email_normalized)
    db.flush()
    audit.record(db, event="password.reset", actor_id=user.id, subject_user_id=user.id, ip=ip)
    return user


def clear_login_throttle(db: Session, *, email: str | None) -> None:
    """Forget the failed sign-ins on this account (its owner just proved the mailbox)."""
    if email:
        db.execute(delete(LoginAttempt).where(LoginAttempt.email_normalized == email,
                                              LoginAttempt.succeeded.is_(False)))


def request_sign_in_link(db: Session, *, email: str, ip: str) -> str:
    """Mail a 15-minute sign-in link to the address's account, if it may sign in; returns the
    message to show, the same either way."""
    _mail_link(db, email=email, ip=ip, purpose=LinkPurpose.SIGN_IN,
               event="login.link_requested",
               subject=translatable("Your Valleycross sign-in link"),
               body=N_("Follow this link to sign in to Valleycross (it works once, within "
                       "15 minutes):\n\n%(link)s\n\nIf you did not ask for it, ignore this "
                       "message; nobody can sign in without it."))
    return SIGN_IN_SENT


def sign_in_with_link(db: Session, *, raw: str, ip: str) -> User:
    """The account a sign-in link opens (used up); the caller starts the session."""
    link = email_links.consume(db, raw=raw, purpose=LinkPurpose.SIGN_IN)
    user = accounts.get(db, user_id=link.user_id)
    _refuse_blocked(user)
    email_links.mark_verified(user, address=link.email)
    db.flush()
    audit.record(db, event="login.succeeded", actor_id=user.id, subject_user_id=user.id, ip=ip,
                 method="email_link")
    return user


def _refuse_blocked(user: User) -> None:
    if not user.is_active or user.deleted_at is not None:
        raise email_links.LinkNotValid()
    if user.blocked_at(utcnow()):
        raise Forbidden(auth.standing_message(user), code="account_blocked")
