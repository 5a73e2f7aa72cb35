from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import EmailStr, Field, StrictInt, field_validator

from app.accounts.models import Role
from app.i18n.locales import LanguageTag
from app.kit.schemas import InputModel, IsoDateTime, ReadModel


class SignUp(InputModel):
    email: EmailStr
    password: str = Field(min_length=12, max_length=256,
                          description="at least 12 characters and not a commonly used password")
    display_name: str = Field(min_length=1, max_length=120)
    organisation: str | None = Field(default=None, max_length=200)
    country_code: str | None = Field(default=None, min_length=3, max_length=3,
                                     description="ISO 3166-1 alpha-3")


class ProfileUpdate(InputModel):
    display_name: str | None = Field(default=None, min_length=1, max_length=120)
    organisation: str | None = Field(default=None, max_length=200)
    country_code: str | None = Field(default=None, min_length=3, max_length=3)
    email: EmailStr | None = Field(
        default=None, description="A new address: a link is emailed to it, and the account's "
        "address changes when it is followed (needs `current_password`, or a browser sign-in "
        "of the last ten minutes).")
    current_password: str | None = Field(default=None, max_length=256)
    locale: LanguageTag | None = Field(
        default=None, description="The interface language of the pages for this account.")


class UserRead(ReadModel):
    id: int
    email: str | None
    display_name: str
    organisation: str | None
    country_code: str | None
    locale: str | None = Field(description="The chosen interface language (BCP 47), or null: "
                                           "the browser's")
    email_verified: bool = Field(default=False, description="The address was proven by a link "
                                 "sent to it (needed to register for challenges and join teams)")
    roles: list[Role]
    created_at: dt.datetime

    @field_validator("roles", mode="before")
    @classmethod
    def _role_values(cls, value: Any) -> list[Any]:
        return sorted(getattr(item, "role", item) for item in value)


class TokenCreate(InputModel):
    """Either email + password, or a signed-in browser session confirming its password."""

    name: str = Field(min_length=1, max_length=100)
    email: EmailStr | None = None
    password: str | None = Field(default=None, max_length=256)
    current_password: str | None = Field(
        default=None, max_length=256,
        description="From a signed-in browser: the account's password (not needed within ten "
                    "minutes of signing in).")
    expires_in_days: StrictInt | None = Field(default=None, ge=1, le=365,
                                        description="Lifetime in days (default 90).")
    expires_at: IsoDateTime | None = Field(default=None,
                                           description="Or an exact expiry, at most 365 days on.")


class TokenRead(ReadModel):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None


class TokenCreated(TokenRead):
    token: str = Field(description="Shown once; store it now.")


class AuditEventRead(ReadModel):
    id: int
    occurred_at: dt.datetime
    event: str
    actor_id: int | None
    subject_user_id: int | None
    ip: str | None
    details: dict[str, object]


class Accepted(ReadModel):
    """The answer to a request whose outcome is emailed (the same whatever the address)."""

    message: str


class EmailOnly(InputModel):
    email: EmailStr


class LinkToken(InputModel):
    token: str = Field(min_length=1, max_length=200, description="from the emailed link")


class PasswordResetConfirm(LinkToken):
    password: str = Field(min_length=1, max_length=256,
                          description="at least 12 characters and not a commonly used password")
