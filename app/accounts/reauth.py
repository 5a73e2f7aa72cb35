"""Re-authentication before a sensitive change: a new email address or password, a new API
token, deleting the account.

Whoever holds a stolen cookie or token must not be able to take the account over, so these
changes need proof that the owner is at the keyboard: the current password, or a sign-in made
in this browser within the last few minutes (the only proof an account without a password,
signed in through OpenID Connect, can give). A bearer token alone never suffices.

Every password try is counted (per account, `reauth_attempts_per_user_per_hour`), so a stolen
session cannot guess the password through this door. The caller keeps the request's writes when
it answers with an error (`keep_changes_on_error`), or the failed tries would not be counted.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.accounts.passwords import verify_password
from app.audit import service as audit
from app.config import get_settings
from app.db import utcnow
from app.errors import ValidationFailed
from app.i18n.translate import N_
from app.kit import rate_limit

FRESH_SIGN_IN = dt.timedelta(minutes=10)
FIELD = "current_password"


def confirm_identity(db: Session, *, user: User, password: str | None,
                     signed_in_at: dt.datetime | None, ip: str | None = None) -> None:
    """Return when the owner proved it is them; raise 422 on `current_password` otherwise."""
    if password:
        rate_limit.check_and_record(
            db, action="reauth", key=f"user:{user.id}",
            limit=get_settings().rate_limits.reauth_attempts_per_user_per_hour,
            window=rate_limit.HOUR, what=N_("password confirmations"))
        if verify_password(user.password_hash, password):
            return
        audit.record(db, event="reauth.failed", actor_id=user.id, subject_user_id=user.id, ip=ip)
        raise ValidationFailed(N_("The current password is not right."),
                               code="reauthentication_failed",
                               fields={FIELD: N_("The current password is not right.")})
    if signed_in_at is not None and utcnow() - signed_in_at <= FRESH_SIGN_IN:
        return
    if user.password_hash:
        message = N_("Enter your current password to confirm this change.")
    else:
        message = N_("Sign in again to confirm this change (your sign-in is more than ten "
                     "minutes old).")
    raise ValidationFailed(message, code="reauthentication_required", fields={FIELD: message})
