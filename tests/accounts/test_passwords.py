from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2.profiles import RFC_9106_LOW_MEMORY
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.accounts import auth
from app.accounts.passwords import hash_password, needs_rehash, password_problem, verify_password
from app.config import Settings, get_settings
from tests.factories import PASSWORD, make_user


def test_short_password_is_refused() -> None:
    assert password_problem("short pass") == "Use at least 12 characters."


def test_common_password_is_refused_whatever_its_case() -> None:
    assert password_problem("1q2w3e4r5t6y") is not None
    assert password_problem("1Q2W3E4R5T6Y") is not None


def test_no_composition_rules_for_a_long_phrase() -> None:
    assert password_problem("all lower case words here") is None


def test_password_equal_to_email_is_refused() -> None:
    assert password_problem("someone@example.org", email="someone@example.org") is not None


def test_hash_is_argon2id_and_verifies() -> None:
    hashed = hash_password("a sufficiently long phrase")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "a sufficiently long phrase")
    assert not verify_password(hashed, "a sufficiently long phrasE")
    assert not verify_password(None, "anything at all")


# ---- the cost (Argon2id parameters) -------------------------------------------------------------

HASH_SETTINGS = ("PASSWORD_HASH_TIME_COST", "PASSWORD_HASH_MEMORY_KIB",
                 "PASSWORD_HASH_PARALLELISM")


@pytest.fixture
def real_cost(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The settings as a deployment has them: no cost set, so RFC 9106's profile applies."""
    for name in HASH_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_outside_tests_the_cost_is_rfc_9106_low_memory(real_cost: None) -> None:
    hashed = hash_password("a sufficiently long phrase")
    profile = RFC_9106_LOW_MEMORY
    assert f"$m={profile.memory_cost},t={profile.time_cost},p={profile.parallelism}$" in hashed
    assert (profile.memory_cost, profile.time_cost) == (65536, 3)  # 64 MiB, 3 passes


def test_a_weaker_cost_than_owasp_s_minimum_is_refused_outside_tests(tmp_path: Path) -> None:
    for environment in ("production", "development"):
        with pytest.raises(ValidationError, match="OWASP's Argon2id minimum"):
            Settings(environment=environment, var_dir=tmp_path, secret_key="k" * 40,
                     password_hash_memory_kib=19 * 1024 - 1, password_hash_time_cost=2)
        with pytest.raises(ValidationError, match="OWASP's Argon2id minimum"):
            Settings(environment=environment, var_dir=tmp_path, secret_key="k" * 40,
                     password_hash_memory_kib=19 * 1024, password_hash_time_cost=1)
        assert Settings(environment=environment, var_dir=tmp_path, secret_key="k" * 40,
                        password_hash_memory_kib=19 * 1024,
                        password_hash_time_cost=2).password_hash_memory_kib == 19 * 1024


def test_signing_in_upgrades_a_hash_made_at_a_lower_cost(db: Session,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    user = make_user(db, email="cheap@example.org")  # hashed at the tests' cost
    assert "$m=8,t=1,p=1$" in (user.password_hash or "")
    for name in HASH_SETTINGS:
        monkeypatch.delenv(name)
    get_settings.cache_clear()
    assert needs_rehash(user.password_hash or "")
    auth.authenticate(db, email="cheap@example.org", password=PASSWORD, ip="192.0.2.1")
    db.commit()
    db.refresh(user)
    assert "$m=65536,t=3,p=4$" in (user.password_hash or "")
    assert verify_password(user.password_hash, PASSWORD)
    assert not needs_rehash(user.password_hash or "")
