"""Provider identities (issuer + `sub`) and the local accounts they sign in to.

The rule is written out in `app/accounts/oidc.py`'s docstring: an identity is found by issuer +
`sub` only; a first login never joins an existing account by email (it is refused when the
email is taken); linking happens only from the signed-in account page; unlinking keeps at least
one way to sign in. Services flush; the request boundary commits.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.accounts import email_links
from app.accounts import service as accounts_service
from app.accounts.models import ExternalIdentity, Role, User
from app.accounts.oidc import SignInFailed
from app.audit import service as audit
from app.db import utcnow
from app.errors import Conflict, NotFound, ValidationFailed
from app.i18n.translate import N_, translatable

log = logging.getLogger("valleycross.security")

FALLBACK_DISPLAY_NAME = "New member"


class EmailInUse(SignInFailed):
    """A first provider login whose email already belongs to an account here: never joined."""

    def __init__(self, *, email: str, holder_id: int, issuer: str, subject: str) -> None:
        super().__init__(
            "email_in_use", N_("An account with this email address already exists here."),
            status_code=409, subject_user_id=holder_id,
            detail=f"first login of {issuer} sub {subject!r}; email held by user {holder_id}")
        self.email = email


@dataclass(frozen=True)
class LoginResult:
    user: User
    created: bool  # a new local account (and its identity) was made
    ask_for_email: bool  # the account has no email: ask the person for one


def display_name_from(claims: Mapping[str, Any]) -> str:
    """A name to show for a new account, from the standard claims (ORCID may send none)."""
    candidates = [
        claims.get("name"),
        " ".join(str(claims[k]) for k in ("given_name", "family_name")
                 if isinstance(claims.get(k), str) and claims[k].strip()),
        claims.get("preferred_username"),
        claims.get("nickname"),
    ]
    for value in candidates:
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())[:120]
    return FALLBACK_DISPLAY_NAME


def _claimed_email(claims: Mapping[str, Any]) -> tuple[str, str] | None:
    """(as sent, normalised) for a well-formed `email` claim, else None."""
    raw = claims.get("email")
    if not isinstance(raw, str) or not raw.strip() or len(raw.strip()) > 320:
        return None
    try:
        return raw.strip(), accounts_service.normalize_email(raw)
    except ValidationFailed:
        return None


def _check_subject(issuer: str, subject: str) -> None:
    if not subject or len(subject) > 255 or not issuer or len(issuer) > 500:
        raise SignInFailed("invalid_id_token", N_("The identity token has no usable subject."),
                           detail=f"sub of length {len(subject)}")


def _refuse_inactive(user: User) -> None:
    if not user.is_active:
        raise SignInFailed("account_disabled", N_("This account has been disabled. Contact the "
                           "site's administrators if you think this is a mistake."),
                           status_code=403)


def find(db: Session, *, issuer: str, subject: str) -> ExternalIdentity | None:
    return db.scalar(select(ExternalIdentity).where(
        ExternalIdentity.issuer == issuer, ExternalIdentity.subject == subject))


def account_for_login(db: Session, *, issuer: str, subject: str,
                      claims: Mapping[str, Any]) -> LoginResult:
    """The local account a verified provider login signs in to, made on a first login.

    Known issuer + `sub`: its account. Otherwise a new solver account, unless the claimed email
    (verified or not) already belongs to an account here: then `EmailInUse`, and nothing is
    created or linked (an address is never a reason to join accounts, even a proven one). The
    new account's address counts as proven when the provider says it verified it
    (`email_verified: true`, a claim of the signed ID token); otherwise a link is mailed to it.
    """
    _check_subject(issuer, subject)
    now = utcnow()
    email = _claimed_email(claims)
    email_claim = email[0] if email else None
    identity = find(db, issuer=issuer, subject=subject)
    if identity is not None:
        user = accounts_service.get(db, user_id=identity.user_id)
        _refuse_inactive(user)
        identity.email_claim = email_claim
        identity.last_login_at = now
        db.flush()
        return LoginResult(user=user, created=False, ask_for_email=user.email is None)

    holder = accounts_service.get_by_email(db, email=email[1]) if email else None
    if email is not None and holder is not None:
        log.warning("OpenID Connect first login refused: %s sub %r claims the email of user "
                    "%s (email_verified=%r); not linked", issuer, subject, holder.id,
                    claims.get("email_verified"))
        raise EmailInUse(email=email[0], holder_id=holder.id, issuer=issuer, subject=subject)
    user = accounts_service.create_user(db, email=email_claim, password=None,
                                        display_name=display_name_from(claims),
                                        roles=[Role.SOLVER],
                                        email_verified=claims.get("email_verified") is True)
    if user.email and not user.email_verified:
        email_links.send_verification(db, user=user)
    db.add(ExternalIdentity(user_id=user.id, issuer=issuer, subject=subject,
                            email_claim=email_claim, last_login_at=now))
    db.flush()
    audit.record(db, event="oidc.linked", actor_id=user.id, subject_user_id=user.id,
                 issuer=issuer, subject=subject, new_account=True, via="first_login")
    return LoginResult(user=user, created=True, ask_for_email=email is None)


def list_for_user(db: Session, *, user: User) -> list[ExternalIdentity]:
    """The user's linked provider identities, oldest first."""
    return list(db.scalars(select(ExternalIdentity).where(ExternalIdentity.user_id == user.id)
                           .order_by(ExternalIdentity.id)))


def link(db: Session, *, user: User, issuer: str, subject: str, claims: Mapping[str, Any],
         provider: str) -> bool:
    """Attach a verified issuer + `sub` to the signed-in `user` (False: it already was).

    Refused (409) when the identity belongs to another account: it is never moved.
    """
    _check_subject(issuer, subject)
    identity = find(db, issuer=issuer, subject=subject)
    if identity is not None:
        if identity.user_id == user.id:
            return False
        log.warning("OpenID Connect link refused: %s sub %r belongs to user %s, asked by user %s",
                    issuer, subject, identity.user_id, user.id)
        raise SignInFailed(
            "identity_linked_elsewhere", translatable(
                "This %(provider)s login is already linked to another account here, so it was "
                "not linked to yours. Sign in with it to use that account.", provider=provider),
            status_code=409, subject_user_id=identity.user_id,
            detail=f"{issuer} sub {subject!r} belongs to user {identity.user_id}")
    email = _claimed_email(claims)
    try:
        # A savepoint: the same login linked at the same moment by another request meets the
        # unique key, and only this insert is undone.
        with db.begin_nested():
            db.add(ExternalIdentity(user_id=user.id, issuer=issuer, subject=subject,
                                    email_claim=email[0] if email else None))
    except IntegrityError as exc:
        raise SignInFailed(
            "identity_linked_elsewhere", translatable(
                "This %(provider)s login was linked to an account here at the same moment, so "
                "it was not linked again. Reload your account page.", provider=provider),
            status_code=409, detail=f"{issuer} sub {subject!r}: concurrent link") from exc
    audit.record(db, event="oidc.linked", actor_id=user.id, subject_user_id=user.id,
                 issuer=issuer, subject=subject, new_account=False, via="account_page")
    return True


def unlink(db: Session, *, user: User, identity_id: int) -> ExternalIdentity:
    """Remove one of the user's own identities; another's is not found.

    Refused (409) when it is the only way left to sign in (no password, no other identity).
    """
    identity = db.get(ExternalIdentity, identity_id)
    if identity is None or identity.user_id != user.id:
        raise NotFound(N_("No such sign-in provider on your account."))
    # Two unlinks at once must not both see "another one is left" (a no-op on SQLite, which
    # serialises writers anyway).
    db.execute(select(User.id).where(User.id == user.id).with_for_update())
    others = db.scalar(select(func.count()).select_from(ExternalIdentity).where(
        ExternalIdentity.user_id == user.id, ExternalIdentity.id != identity.id)) or 0
    if user.password_hash is None and others == 0:
        raise Conflict(N_("This is the only way you can sign in to this account (it has no "
                          "password), so it was not unlinked."), code="last_sign_in_method")
    db.delete(identity)
    db.flush()
    audit.record(db, event="oidc.unlinked", actor_id=user.id, subject_user_id=user.id,
                 issuer=identity.issuer, subject=identity.subject)
    return identity
