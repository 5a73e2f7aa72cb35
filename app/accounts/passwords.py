"""Password hashing (Argon2id) and the NIST SP 800-63B rules: length, no composition rules,
no password from a list of commonly used ones."""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from app.config import get_settings
from app.i18n.translate import N_

MIN_LENGTH = 12
MAX_LENGTH = 256
_COMMON = Path(__file__).parent / "data" / "common-passwords.txt.gz"
# Written out (MIN_LENGTH, MAX_LENGTH) so that the catalogs hold them: the sign-up page shows
# them, translated, next to the password field.
TOO_SHORT = N_("Use at least 12 characters.")
TOO_LONG = N_("Use at most 256 characters.")



def _hasher() -> PasswordHasher:
    """Argon2id with the configured cost (RFC 9106's low-memory profile unless set otherwise)."""
    settings = get_settings()
    return _hasher_for(settings.password_hash_time_cost, settings.password_hash_memory_kib,
                       settings.password_hash_parallelism)


@lru_cache(maxsize=4)
def _hasher_for(time_cost: int, memory_kib: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    with gzip.open(_COMMON, "rt", encoding="utf-8") as handle:
        return frozenset(line.strip() for line in handle if line.strip())


def password_problem(password: str, *, email: str | None = None) -> str | None:
    """Why this password is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return TOO_SHORT
    if len(password) > MAX_LENGTH:
        return TOO_LONG
    lowered = password.lower()
    if lowered in common_passwords():
        return N_("This password is too common; choose another.")
    if email and lowered == email.lower():
        return N_("The password must not be your email address.")
    if len(set(password)) == 1:
        return N_("The password must not be one character repeated.")
    return None


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        # Hash anyway so that an unknown account costs the same time as a wrong password.
        _hasher().hash(password)
        return False
    try:
        return _hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)
