from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Enum, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, done_by, owned_by, str_enum, utcnow


class Role(enum.StrEnum):
    ADMIN = "admin"
    CURATOR = "curator"
    SPONSOR = "sponsor"
    SOLVER = "solver"
    JUDGE = "judge"
    VERIFIER = "verifier"


def role_enum() -> Enum:
    return Enum(Role, name="role", native_enum=False, length=20,
                values_callable=lambda e: [m.value for m in e], create_constraint=True)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(String(320))
    # Lower-cased copy: one account per address whatever its case, on every backend.
    email_normalized: Mapped[str | None] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    organisation: Mapped[str | None] = mapped_column(String(200))
    country_code: Mapped[str | None] = mapped_column(String(3))
    # The interface language the person chose (BCP 47, e.g. "zh-Hans"); None: the browser's.
    locale: Mapped[str | None] = mapped_column(String(16))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # When the owner followed a link sent to `email` (None: never proven; a changed address is
    # unproven until its own link is followed).
    email_verified_at: Mapped[dt.datetime | None]
    # Trust and safety: a suspension ends on its own; a ban lasts until an admin lifts it.
    suspended_until: Mapped[dt.datetime | None]
    banned_at: Mapped[dt.datetime | None]
    standing_reason: Mapped[str | None] = mapped_column(Text)
    # Set when the owner deleted the account: name, email and country are gone, while entries,
    # awards and ledger entries stay as the prize record requires.
    deleted_at: Mapped[dt.datetime | None]
    # Set by moderators (app/moderation): the name and organisation are not shown to others.
    profile_hidden_at: Mapped[dt.datetime | None]

    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", lazy="selectin", cascade="all, delete-orphan",
        foreign_keys="UserRole.user_id",
    )

    @property
    def email_verified(self) -> bool:
        return self.email_normalized is not None and self.email_verified_at is not None

    def blocked_at(self, now: dt.datetime) -> bool:
        """Banned, or suspended at `now`: no sign-in, no session, no token."""
        return self.banned_at is not None or (
            self.suspended_until is not None and self.suspended_until > now)

    @property
    def role_names(self) -> set[Role]:
        return {r.role for r in self.roles}

    def has_role(self, *roles: Role) -> bool:
        return bool(self.role_names.intersection(roles))


class UserRole(Base):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = owned_by("users.id", primary_key=True)
    role: Mapped[Role] = mapped_column(role_enum(), primary_key=True)
    granted_by_id: Mapped[int | None] = done_by("users.id")
    granted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="roles", foreign_keys=[user_id],
                                      lazy="raise")


class ExternalIdentity(Base):
    """An account at an OpenID Connect provider, known by issuer and subject (never by email)."""

    __tablename__ = "external_identities"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = owned_by("users.id", index=True)
    issuer: Mapped[str] = mapped_column(String(500))
    subject: Mapped[str] = mapped_column(String(255))
    email_claim: Mapped[str | None] = mapped_column(String(320))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[dt.datetime | None]


class UserSession(Base):
    """A signed-in browser; the cookie carries a random token, the table only its hash."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = owned_by("users.id", index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]
    # Coarse (a few minutes): the idle timeout counts from it, and the session list shows it.
    last_seen_at: Mapped[dt.datetime | None]
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))


class ApiToken(Base):
    """A personal access token; shown once, stored as a SHA-256 hash."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = owned_by("users.id", index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[dt.datetime | None]
    expires_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]


class LoginAttempt(Base):
    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_email_at", "email_normalized", "attempted_at"),
        Index("ix_login_attempts_ip_at", "ip", "attempted_at"),
        Index("ix_login_attempts_email_ip_at", "email_normalized", "ip", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email_normalized: Mapped[str] = mapped_column(String(320))
    ip: Mapped[str] = mapped_column(String(64))
    attempted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    succeeded: Mapped[bool]


class LinkPurpose(enum.StrEnum):
    VERIFY_EMAIL = "verify_email"
    RESET_PASSWORD = "reset_password"
    SIGN_IN = "sign_in"


class AccountLink(Base):
    """A link sent by email: single use, expiring; the mail carries a random token, the table
    only its SHA-256 (like sessions), so a copy of the database opens no account."""

    __tablename__ = "account_links"
    __table_args__ = (Index("ix_account_links_user_purpose", "user_id", "purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = owned_by("users.id")
    purpose: Mapped[LinkPurpose] = mapped_column(str_enum(LinkPurpose, "link_purpose", 20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The address the link was sent to: for an email change, the new address it proves.
    email: Mapped[str | None] = mapped_column(String(320))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]
