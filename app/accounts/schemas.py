from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import EmailStr, Field, field_validator

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
    email: EmailStr | None = None
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
    roles: list[Role]
    created_at: dt.datetime

    @field_validator("roles", mode="before")
    @classmethod
    def _role_values(cls, value: Any) -> list[Any]:
        return sorted(getattr(item, "role", item) for item in value)


class TokenCreate(InputModel):
    """Either email + password, or an already signed-in session."""

    name: str = Field(min_length=1, max_length=100)
    email: EmailStr | None = None
    password: str | None = Field(default=None, max_length=256)
    expires_at: IsoDateTime | None = None


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
