"""Links sent by email, and what proves an address: confirming it, changing it.

A link carries a random token (`secrets.token_urlsafe(32)`); the table keeps only its SHA-256,
so a copy of the database opens nothing. A link works once: it is consumed by a compare-and-set
(`UPDATE ... WHERE used_at IS NULL`, counted), which holds on SQLite too, where `FOR UPDATE`
does nothing. Issuing a link voids the unused older ones of the same purpose, so only the newest
mail works. Links are emailed through the outbox with a kind that keeps them out of the inbox
(`notifications.MAIL_ONLY`): only the mailbox's owner reads them.

An email change leaves the account on its old, proven address until the link sent to the new
one is followed; its answer is the same whether or not the new address belongs to another
account (whose owner is told instead), so nobody learns who is registered here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.accounts import reauth
from app.accounts import service as accounts
from app.accounts.models import AccountLink, LinkPurpose, Role, User
from app.accounts.passwords import hash_password
from app.audit import service as audit
from app.config import get_settings
from app.db import utcnow
from app.errors import Conflict, Forbidden, ValidationFailed
from app.i18n.translate import N_, translatable
from app.kit import rate_limit
from app.kit.links import site_link
from app.notifications import service as notifications

LIFETIME = {
    LinkPurpose.VERIFY_EMAIL: dt.timedelta(hours=48),
    LinkPurpose.RESET_PASSWORD: dt.timedelta(hours=1),
    LinkPurpose.SIGN_IN: dt.timedelta(minutes=15),
}
PATH = {
    LinkPurpose.VERIFY_EMAIL: "/verify-email/",
    LinkPurpose.RESET_PASSWORD: "/password-reset/",
    LinkPurpose.SIGN_IN: "/login/link/",
}
# Outbox kinds: the links are for the mailbox only; the notices are ordinary messages.
KIND_LINK = {
    LinkPurpose.VERIFY_EMAIL: notifications.MAIL_ONLY + "verify_email",
    LinkPurpose.RESET_PASSWORD: notifications.MAIL_ONLY + "password_reset",
    LinkPurpose.SIGN_IN: notifications.MAIL_ONLY + "sign_in_link",
}
KIND_EMAIL_CHANGE_NOTICE = "account.email_change_requested"
KIND_ADDRESS_TAKEN = "account.address_taken"

NOT_VALID = N_("This link is not valid: it expired, was used already, or a newer one was sent. "
               "Ask for a new one.")
SIGNUP_SENT = N_("Check your inbox: we emailed a link to confirm the address. If an account "
                 "has this address already, its holder was told instead.")
CHANGE_SENT = N_("We sent a link to %(email)s. Your email address changes when you follow it "
                 "(within 48 hours); until then your account keeps its current address.")


class LinkNotValid(ValidationFailed, code="link_not_valid", message=NOT_VALID):
    """Unknown, expired, used or voided: said the same way for each, on the `token` field."""

    def __init__(self) -> None:
        super().__init__(fields={"token": NOT_VALID})


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def url(purpose: LinkPurpose, raw: str) -> str:
    return site_link(f"{PATH[purpose]}{raw}")


def site_url(path: str) -> str:
    return site_link(path)


def throttle(db: Session, *, action: str, key: str, per_ip: str | None = None) -> None:
    """Count one link asked for `key` (an address or an account), and from `per_ip` if given;
    429 past the hourly limits. Counted whether or not the address has an account."""
    limits = get_settings().rate_limits
    if per_ip is not None:
        rate_limit.check_and_record(db, action=action, key=f"ip:{per_ip}",
                                    limit=limits.account_links_per_ip_per_hour,
                                    window=rate_limit.HOUR,
                                    what=N_("emailed links from this address"))
    rate_limit.check_and_record(db, action=action, key=key,
                                limit=limits.account_links_per_address_per_hour,
                                window=rate_limit.HOUR, what=N_("emailed links"))


def void(db: Session, *, user_id: int, purpose: LinkPurpose | None = None) -> None:
    """Make the user's unused links (of one purpose, or all) unusable."""
    stmt = update(AccountLink).where(AccountLink.user_id == user_id,
                                     AccountLink.used_at.is_(None))
    if purpose is not None:
        stmt = stmt.where(AccountLink.purpose == purpose)
    db.execute(stmt.values(used_at=utcnow()).execution_options(synchronize_session=False))


def issue(db: Session, *, user: User, purpose: LinkPurpose, email: str) -> str:
    """A new link for `user` (the older unused ones of its purpose stop working); returns the
    raw token, which only the mail carries."""
    void(db, user_id=user.id, purpose=purpose)
    raw = secrets.token_urlsafe(32)
    db.add(AccountLink(user_id=user.id, purpose=purpose, token_hash=_hash(raw), email=email,
                       expires_at=utcnow() + LIFETIME[purpose]))
    db.flush()
    return raw


def peek(db: Session, *, raw: str, purpose: LinkPurpose) -> AccountLink:
    """The usable link for `raw` (a page shows its form), or `LinkNotValid`."""
    if not raw or len(raw) > 200:
        raise LinkNotValid()
    link = db.scalar(select(AccountLink).where(AccountLink.token_hash == _hash(raw),
                                               AccountLink.purpose == purpose))
    if link is None or link.used_at is not None or link.expires_at <= utcnow():
        raise LinkNotValid()
    return link


def consume(db: Session, *, raw: str, purpose: LinkPurpose) -> AccountLink:
    """Use the link once: of two requests at the same moment, one wins and the other is told
    the link is not valid."""
    link = peek(db, raw=raw, purpose=purpose)
    now = utcnow()
    result = db.execute(update(AccountLink).where(AccountLink.id == link.id,
                                                  AccountLink.used_at.is_(None))
                        .values(used_at=now).execution_options(synchronize_session=False))
    if int(getattr(result, "rowcount", 0) or 0) != 1:
        raise LinkNotValid()
    db.refresh(link)
    return link


def mark_verified(user: User, *, address: str | None) -> None:
    """A link to `address` was followed: the account's address is proven (if it still is it)."""
    if (address and user.email_normalized == address.strip().lower()
            and user.email_verified_at is None):
        user.email_verified_at = utcnow()


# -- confirming an address -------------------------------------------------------------------

def unverified_message() -> str:
    return translatable("Confirm your email address first: follow the link we emailed you, or "
                        "ask for a new one on your account page: %(link)s",
                        link=site_url("/account"))


def require_verified(user: User) -> None:
    """403 for an account whose address is not proven (it may browse and prepare only)."""
    if not user.email_verified:
        raise Forbidden(unverified_message(), code="email_unverified")


def send_verification(db: Session, *, user: User, email: str | None = None) -> None:
    """Mail a link proving `email` (by default the account's own address) to that address."""
    address = (email or user.email or "").strip()
    if not address:
        return
    normalized = accounts.normalize_email(address)
    # The address as typed: it becomes the account's when the link is followed.
    raw = issue(db, user=user, purpose=LinkPurpose.VERIFY_EMAIL, email=address)
    link = url(LinkPurpose.VERIFY_EMAIL, raw)
    if normalized == user.email_normalized:
        subject = translatable("Confirm your email address for Valleycross")
        body = translatable("Follow this link to confirm that %(email)s is yours (it works "
                            "once, within 48 hours):\n\n%(link)s\n\nIf you did not sign up on "
                            "Valleycross, ignore this message.", email=address, link=link)
    else:
        subject = translatable("Confirm your new email address for Valleycross")
        body = translatable("You asked to use %(email)s for your Valleycross account. Follow "
                            "this link to confirm it (it works once, within 48 hours); until "
                            "then your account keeps its current address:\n\n%(link)s\n\n"
                            "If you did not ask for this, ignore this message.",
                            email=address, link=link)
    notifications.queue(db, recipient_id=user.id, subject=subject, body=body,
                        kind=KIND_LINK[LinkPurpose.VERIFY_EMAIL], to_address=address)


def resend_verification(db: Session, *, user: User) -> bool:
    """The account page's "send the link again" (throttled); False when nothing needs proving."""
    if user.email_verified or not user.email:
        return False
    throttle(db, action="link.verify_email", key=f"user:{user.id}")
    send_verification(db, user=user)
    audit.record(db, event="email.verification_sent", actor_id=user.id,
                 subject_user_id=user.id, resent=True)
    return True


def verify_email(db: Session, *, raw: str, ip: str | None = None) -> User:
    """Follow a confirmation link: the address becomes the account's, proven.

    For an email change, refused (409) when another account took the address meanwhile.
    """
    link = consume(db, raw=raw, purpose=LinkPurpose.VERIFY_EMAIL)
    user = accounts.get(db, user_id=link.user_id)
    address = link.email or ""
    normalized = accounts.normalize_email(address)
    if user.deleted_at is not None or not user.is_active:
        raise LinkNotValid()
    if normalized != user.email_normalized:
        holder = accounts.get_by_email(db, email=normalized)
        if holder is not None and holder.id != user.id:
            raise Conflict(translatable("%(email)s now belongs to another account, so your "
                                        "address was not changed.", email=address),
                           code="email_taken")
        old = user.email
        user.email, user.email_normalized = address, normalized
        void(db, user_id=user.id)  # links sent to the old address stop working
        audit.record(db, event="email.changed", actor_id=user.id, subject_user_id=user.id,
                     ip=ip, old=old, new=normalized)
    user.email_verified_at = utcnow()
    db.flush()
    audit.record(db, event="email.verified", actor_id=user.id, subject_user_id=user.id, ip=ip,
                 email=normalized)
    return user


# -- changing an address -----------------------------------------------------------------------

def request_email_change(db: Session, *, user: User, email: str, password: str | None,
                         signed_in_at: dt.datetime | None, ip: str | None = None) -> str | None:
    """Start moving the account to `email` (after re-authentication): a link goes to the new
    address, a notice to the old one. Returns the message to show (the same whether or not the
    address is taken), or None when `email` is the account's address already."""
    normalized = accounts.normalize_email(email)
    if normalized == user.email_normalized:
        return None
    reauth.confirm_identity(db, user=user, password=password, signed_in_at=signed_in_at, ip=ip)
    throttle(db, action="email.change", key=f"user:{user.id}")
    holder = accounts.get_by_email(db, email=normalized)
    if holder is not None:
        tell_holder(db, holder=holder, attempt="email_change")
        audit.record(db, event="email.change_refused", actor_id=user.id,
                     subject_user_id=user.id, ip=ip, reason="address_taken")
    else:
        send_verification(db, user=user, email=email.strip())
        if user.email:
            notifications.queue(
                db, recipient_id=user.id,
                subject=translatable("Your Valleycross email address is about to change"),
                body=translatable(
                    "Someone signed in to your account asked to change its email address to "
                    "%(email)s. Nothing changes until the link sent to that address is followed."
                    "\n\nIf this was not you, change your password and sign out everywhere: "
                    "%(link)s", email=email.strip(), link=site_url("/account")),
                kind=KIND_EMAIL_CHANGE_NOTICE, to_address=user.email)
        audit.record(db, event="email.change_requested", actor_id=user.id,
                     subject_user_id=user.id, ip=ip, new=normalized)
    return translatable(CHANGE_SENT, email=email.strip())


def tell_holder(db: Session, *, holder: User, attempt: str) -> None:
    """Tell the account holding an address that someone tried to sign up with it (`attempt`
    "signup") or move another account to it ("email_change"); the asker is told nothing."""
    if holder.deleted_at is not None or not holder.is_active or not holder.email:
        return
    if attempt == "signup":
        subject = translatable("Someone tried to sign up with your email address")
        body = translatable(
            "Someone tried to open a new Valleycross account with %(email)s, which already "
            "belongs to your account, so no account was made.\n\nIf it was you, sign in; if you "
            "forgot your password, reset it here:\n\n%(link)s\n\nIf it was not you, you can "
            "ignore this message.", email=holder.email, link=site_url("/password-reset"))
    else:
        subject = translatable("Someone tried to use your email address")
        body = translatable(
            "Someone tried to move another Valleycross account to %(email)s, which belongs to "
            "your account. Nothing was changed, and they were not told that the address is "
            "yours.\n\nIf it was not you, you can ignore this message.", email=holder.email)
    # To the address itself: even when not yet proven, its mailbox's owner is who should know.
    notifications.queue(db, recipient_id=holder.id, subject=subject, body=body,
                        kind=KIND_ADDRESS_TAKEN, to_address=holder.email)
    audit.record(db, event="email.address_taken_notice", subject_user_id=holder.id,
                 attempt=attempt)


# -- signing up --------------------------------------------------------------------------------

def sign_up(db: Session, *, ip: str, email: str, password: str, display_name: str,
            organisation: str | None = None, country_code: str | None = None) -> User | None:
    """Anyone opens a solver account, whose address is proven by the link mailed to it.

    One client opens only so many an hour. For an address that has an account already nothing
    is made and its holder is told; the caller answers the same either way (None here), so
    nobody learns who is registered. Bad input is still a 422.
    """
    rate_limit.check_and_record(
        db, action="signup", key=f"ip:{ip}",
        limit=get_settings().rate_limits.signups_per_ip_per_hour, window=rate_limit.HOUR,
        what=N_("sign-ups from this address"))
    normalized = accounts.normalize_email(email)
    accounts.check_new_account(email=normalized, password=password, display_name=display_name,
                               country_code=country_code)
    holder = accounts.get_by_email(db, email=normalized)
    if holder is not None:
        hash_password(password)  # the same work as a new account: the time tells nothing
        tell_holder(db, holder=holder, attempt="signup")
        audit.record(db, event="signup.address_taken", subject_user_id=holder.id, ip=ip)
        return None
    user = accounts.create_user(db, email=email, password=password, display_name=display_name,
                                organisation=organisation, country_code=country_code,
                                roles=[Role.SOLVER])
    send_verification(db, user=user)
    return user
