"""Signing in: password checks with throttling, browser sessions and personal access tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.accounts import reauth, throttle
from app.accounts.models import ApiToken, User, UserSession
from app.accounts.passwords import (
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from app.audit import service as audit
from app.config import get_settings
from app.db import utcnow
from app.errors import Forbidden, NotAuthenticated, NotFound, TooManyRequests, ValidationFailed
from app.i18n.translate import N_, translatable
from app.kit import rate_limit

TOKEN_PREFIX = "vcx_"
_LAST_USED_GRANULARITY = dt.timedelta(minutes=5)


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def authenticate(db: Session, *, email: str, password: str, ip: str) -> User:
    """Check a password, recording the attempt; raises 401 on failure and 429 when throttled.

    The caller must keep this unit of work's writes even when it answers with an error, so that
    failed attempts are counted and audited.
    """
    normalized = email.strip().lower()
    now = throttle.clock()
    blocked = throttle.check(db, email=normalized, ip=ip, now=now)
    if blocked:
        audit.record(db, event="login.throttled", ip=ip, email=normalized,
                     retry_after=blocked.retry_after_seconds)
        raise TooManyRequests(blocked.message(),
                              headers={"Retry-After": str(blocked.retry_after_seconds)})
    user = db.scalar(select(User).where(User.email_normalized == normalized))
    ok = verify_password(user.password_hash if user else None, password)
    ok = ok and user is not None and user.is_active
    throttle.record(db, email=normalized, ip=ip, now=now, succeeded=ok)
    if ok and user is not None and user.blocked_at(now):
        # Said only to whoever knows the password: a stranger learns nothing about the account.
        audit.record(db, event="login.blocked", ip=ip, email=normalized, subject_user_id=user.id)
        raise Forbidden(standing_message(user), code="account_blocked")
    if not ok or user is None:
        audit.record(db, event="login.failed", ip=ip, email=normalized,
                     subject_user_id=user.id if user else None)
        raise NotAuthenticated(N_("The email or password is not right."),
                               code="invalid_credentials")
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    audit.record(db, event="login.succeeded", actor_id=user.id, subject_user_id=user.id, ip=ip,
                 method="password")
    db.flush()
    return user


def standing_message(user: User) -> str:
    """Why a suspended or banned person cannot sign in, in words they can act on."""
    reason = user.standing_reason or translatable("no reason was given")
    if user.banned_at is not None:
        return translatable("This account is banned: %(reason)s. Write to the platform's "
                            "team if you think this is a mistake.", reason=reason)
    until = user.suspended_until.strftime("%Y-%m-%d %H:%M UTC") if user.suspended_until else ""
    return translatable("This account is suspended until %(until)s: %(reason)s.",
                        until=until, reason=reason)


def start_session(db: Session, *, user: User, ip: str | None = None,
                  user_agent: str | None = None) -> str:
    """Open a browser session and return the raw token for the cookie (only its hash is kept)."""
    raw = secrets.token_urlsafe(32)
    now = utcnow()
    db.add(UserSession(
        token_hash=token_hash(raw), user_id=user.id, ip=ip,
        user_agent=(user_agent or "")[:300] or None, created_at=now, last_seen_at=now,
        expires_at=now + dt.timedelta(seconds=get_settings().session_max_age_seconds),
    ))
    db.flush()
    return raw


def end_session(db: Session, *, raw_token: str) -> None:
    # A compare-and-set on `revoked_at IS NULL`: two sign-outs at once (two tabs) end the
    # session once, and it is audited once.
    ended = db.execute(update(UserSession).where(
        UserSession.token_hash == token_hash(raw_token), UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow()).returning(UserSession.user_id)
        .execution_options(synchronize_session=False)).scalars().all()
    for user_id in ended:
        audit.record(db, event="logout", actor_id=user_id, subject_user_id=user_id)


def _idle(session: UserSession, now: dt.datetime) -> bool:
    seen = session.last_seen_at or session.created_at
    return now - seen > dt.timedelta(seconds=get_settings().session_idle_seconds)


def session_and_user(db: Session, *, raw_token: str) -> tuple[UserSession, User] | None:
    """The live session a cookie names and its active, unblocked user (None otherwise).

    A session unused for `session_idle_seconds` is over; a live one is marked seen, coarsely
    (every few minutes, not every request, to spare writes)."""
    now = utcnow()
    found = db.execute(
        select(UserSession, User).join(User, UserSession.user_id == User.id).where(
            UserSession.token_hash == token_hash(raw_token),
            UserSession.revoked_at.is_(None),
            UserSession.expires_at > now,
            User.is_active.is_(True),
        )
    ).first()
    if found is None or found[1].blocked_at(now) or _idle(found[0], now):
        return None
    session = found[0]
    if session.last_seen_at is None or now - session.last_seen_at > _LAST_USED_GRANULARITY:
        session.last_seen_at = now
        db.flush()
    return session, found[1]


def list_sessions(db: Session, *, user: User) -> list[UserSession]:
    """The user's live browser sessions, the most recently used first."""
    now = utcnow()
    found = db.scalars(select(UserSession).where(
        UserSession.user_id == user.id, UserSession.revoked_at.is_(None),
        UserSession.expires_at > now))
    live = [s for s in found if not _idle(s, now)]
    return sorted(live, key=lambda s: s.last_seen_at or s.created_at, reverse=True)


def revoke_session(db: Session, *, user: User, session_id: int) -> None:
    """Sign one of the user's own browsers out; someone else's session is not found."""
    session = db.get(UserSession, session_id)
    if session is None or session.user_id != user.id or session.revoked_at is not None:
        raise NotFound(N_("No such session."))
    if _revoke_once(db, UserSession, session.id):
        audit.record(db, event="session.revoked", actor_id=user.id, subject_user_id=user.id,
                     session_id=session.id)


def user_for_session(db: Session, *, raw_token: str) -> User | None:
    found = session_and_user(db, raw_token=raw_token)
    return found[1] if found else None


def create_token(db: Session, *, user: User, name: str, expires_at: dt.datetime | None = None,
                 expires_in_days: int | None = None) -> tuple[ApiToken, str]:
    """Issue a personal access token; the raw value is returned once and never stored.

    Every token expires: at `expires_at`, after `expires_in_days`, or by default after
    `token_default_days`; never later than `token_max_days` from now."""
    settings = get_settings()
    name = name.strip()
    if not name or len(name) > 100:
        raise ValidationFailed(fields={"name": N_("Give the token a name of 1 to 100 characters.")})
    now = utcnow()
    latest = now + dt.timedelta(days=settings.token_max_days)
    if expires_at is not None and expires_in_days is not None:
        raise ValidationFailed(fields={"expires_at": N_(
            "Give either an expiry date or a number of days, not both.")})
    if expires_in_days is not None:
        if not 1 <= expires_in_days <= settings.token_max_days:
            raise ValidationFailed(fields={"expires_in_days": translatable(
                "Choose between 1 and %(days)s days.", days=settings.token_max_days)})
        expires_at = now + dt.timedelta(days=expires_in_days)
    elif expires_at is None:
        expires_at = now + dt.timedelta(days=settings.token_default_days)
    elif expires_at <= now:
        raise ValidationFailed(fields={"expires_at": N_("must be in the future")})
    elif expires_at > latest + dt.timedelta(minutes=1):
        raise ValidationFailed(fields={"expires_at": translatable(
            "A token may last at most %(days)s days.", days=settings.token_max_days)})
    rate_limit.check_and_record(
        db, action="token.create", key=f"user:{user.id}",
        limit=settings.rate_limits.tokens_per_user_per_hour, window=rate_limit.HOUR,
        what=N_("new access tokens"))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=token_hash(raw),
                     prefix=raw[:12], expires_at=expires_at)
    db.add(token)
    db.flush()
    audit.record(db, event="token.created", actor_id=user.id, subject_user_id=user.id,
                 token_id=token.id, name=name, expires_at=expires_at.isoformat())
    return token, raw


def list_tokens(db: Session, *, user: User) -> list[ApiToken]:
    return list(db.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                           .order_by(ApiToken.id.desc())))


def revoke_token(db: Session, *, user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens; someone else's token is reported as not found."""
    token = db.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound(N_("No such token."))
    if _revoke_once(db, ApiToken, token.id):
        audit.record(db, event="token.revoked", actor_id=user.id, subject_user_id=user.id,
                     token_id=token.id)
    db.refresh(token)
    return token


def user_for_token(db: Session, *, raw_token: str) -> User | None:
    """The active user a bearer token belongs to; marks it used (coarsely, to save writes)."""
    now = utcnow()
    token = db.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(raw_token)))
    if token is None or token.revoked_at is not None:
        return None
    if token.expires_at is not None and token.expires_at <= now:
        return None
    user = db.get(User, token.user_id)
    if user is None or not user.is_active or user.blocked_at(now):
        return None
    if token.last_used_at is None or now - token.last_used_at > _LAST_USED_GRANULARITY:
        token.last_used_at = now
        db.flush()
    return user


def end_all_sessions(db: Session, *, user_id: int, keep_raw_token: str | None = None,
                     reason: str) -> int:
    """Sign the user out of every browser (but the one holding `keep_raw_token`, if given).

    `reason` is audited ("password.reset", "signed_out_everywhere", "suspended", ...)."""
    stmt = update(UserSession).where(UserSession.user_id == user_id,
                                     UserSession.revoked_at.is_(None))
    if keep_raw_token:
        stmt = stmt.where(UserSession.token_hash != token_hash(keep_raw_token))
    result = db.execute(stmt.values(revoked_at=utcnow())
                        .execution_options(synchronize_session=False))
    ended = int(getattr(result, "rowcount", 0) or 0)
    audit.record(db, event="sessions.ended", subject_user_id=user_id, count=ended, reason=reason)
    return ended


def revoke_all_tokens(db: Session, *, user_id: int, reason: str) -> int:
    """Revoke every live API token of the user; `reason` is audited."""
    result = db.execute(update(ApiToken).where(ApiToken.user_id == user_id,
                                               ApiToken.revoked_at.is_(None))
                        .values(revoked_at=utcnow())
                        .execution_options(synchronize_session=False))
    revoked = int(getattr(result, "rowcount", 0) or 0)
    audit.record(db, event="tokens.revoked_all", subject_user_id=user_id, count=revoked,
                 reason=reason)
    return revoked


def change_password(db: Session, *, user: User, current_password: str | None,
                    new_password: str, signed_in_at: dt.datetime | None,
                    keep_raw_token: str | None, ip: str | None = None) -> int:
    """Set a new password after re-authentication and sign every other browser out.

    The current password proves it is the owner; an account without one (signed up through
    OpenID Connect) may set its first after a fresh sign-in. Returns the sessions ended."""
    reauth.confirm_identity(db, user=user, password=current_password,
                            signed_in_at=signed_in_at, ip=ip)
    problem = password_problem(new_password, email=user.email_normalized)
    if problem:
        raise ValidationFailed(problem, fields={"new_password": problem})
    user.password_hash = hash_password(new_password)
    db.flush()
    audit.record(db, event="password.changed", actor_id=user.id, subject_user_id=user.id, ip=ip)
    return end_all_sessions(db, user_id=user.id, keep_raw_token=keep_raw_token,
                            reason="password.changed")


def _revoke_once(db: Session, model: type[UserSession] | type[ApiToken], row_id: int) -> bool:
    """A compare-and-set on `revoked_at IS NULL`: True for the one request that revoked the row,
    so it is revoked and audited once even when two requests revoke it at the same moment (no
    row lock needed, which SQLite would not give)."""
    result = db.execute(update(model).where(model.id == row_id, model.revoked_at.is_(None))
                        .values(revoked_at=utcnow())
                        .execution_options(synchronize_session=False))
    return bool(getattr(result, "rowcount", 0) == 1)
