from __future__ import annotations

from pydantic import Field

from app.kit.schemas import InputModel, ReadModel


class AccountDelete(InputModel):
    current_password: str | None = Field(
        default=None, max_length=256,
        description="The account's password; without it, only a browser session signed in "
                    "within the last ten minutes may delete the account.")


class AccountDeleted(ReadModel):
    user_id: int
    sessions_ended: int
    tokens_revoked: int
