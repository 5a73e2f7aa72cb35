"""Settings, read once from the environment (and an optional `.env` file)."""

from __future__ import annotations

import secrets
from email.utils import getaddresses
from functools import lru_cache
from pathlib import Path

from argon2.profiles import RFC_9106_LOW_MEMORY
from pydantic import BaseModel, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class RateLimits(BaseModel):
    """Anti-automation (OWASP ASVS 2.4.1): the most of each action one client may do in a window.

    Far above what a person does, low enough that a script cannot flood the platform. The window
    is part of each name. Set one as `RATE_LIMITS__SIGNUPS_PER_IP_PER_HOUR=...`; test servers
    that send hundreds of requests as one user raise them that way.
    """

    signups_per_ip_per_hour: int = 10
    questions_per_user_per_day: int = 20
    suggestions_per_user_per_day: int = 50
    cover_uploads_per_user_per_hour: int = 30
    tokens_per_user_per_hour: int = 20
    team_invitations_per_user_per_day: int = 50
    submission_uploads_per_user_per_hour: int = 60
    reauth_attempts_per_user_per_hour: int = 10
    # Links sent by email (password reset, sign-in link, email confirmation): per address
    # (whether or not it has an account) and per client.
    account_links_per_address_per_hour: int = 5
    account_links_per_ip_per_hour: int = 20


# OWASP Password Storage Cheat Sheet: Argon2id with at least 19 MiB of memory and 2 iterations.
OWASP_MIN_MEMORY_KIB = 19 * 1024
OWASP_MIN_TIME_COST = 2


class Settings(BaseSettings):
    """Every knob of the platform; each field maps to an upper-case environment variable."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore",
                                      env_nested_delimiter="__")

    environment: str = Field(default="development", description="development | test | production")
    var_dir: Path = Field(default=PROJECT_ROOT / "var")
    database_url: str = Field(default="", description="defaults to sqlite:///<var_dir>/valleycross.db")
    # Connections each worker process may hold: 20 + 20 matches the 40 threads that run
    # endpoints, so no request waits for a connection while holding a thread. PostgreSQL's
    # default max_connections is 100: workers x servers x (size + overflow) must stay under it.
    database_pool_size: int = Field(default=20, ge=1)
    database_max_overflow: int = Field(default=20, ge=0)
    secret_key: str = Field(default="", description="generated and kept in <var_dir>/secret_key")
    base_url: str = "http://127.0.0.1:8000"
    upload_dir: Path | None = None

    # OpenID Connect (ORCID, Keycloak, ...); offered when issuer and client id are set.
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_scopes: str = "openid email profile"
    oidc_token_endpoint_auth_method: str = "client_secret_basic"
    oidc_display_name: str = "OpenID Connect"

    # Email delivery of the outbox (`valleycross send-mail`); off while SMTP_HOST is empty, and
    # the inbox shows every message either way.
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_username: str = ""
    smtp_password: str = Field(default="", repr=False)
    smtp_starttls: bool = True
    smtp_ssl: bool = Field(default=False, description="implicit TLS (usually port 465)")
    smtp_timeout_seconds: float = Field(default=30, gt=0)
    mail_from: str = Field(default="", description='e.g. "Valleycross <no-reply@example.org>"')

    # Argon2id cost; the defaults are RFC 9106's second recommended ("low memory") profile.
    # Below OWASP's floor (19 MiB, 2 passes) only the test environment may go, where thousands
    # of accounts are made and the cost measures nothing; login rehashes any weaker hash.
    password_hash_time_cost: int = Field(default=RFC_9106_LOW_MEMORY.time_cost, ge=1)
    password_hash_memory_kib: int = Field(default=RFC_9106_LOW_MEMORY.memory_cost, ge=8)
    password_hash_parallelism: int = Field(default=RFC_9106_LOW_MEMORY.parallelism, ge=1)

    session_max_age_seconds: int = 14 * 24 * 3600
    # A browser session unused this long ends even before its absolute age (last_seen_at).
    session_idle_seconds: int = Field(default=2 * 24 * 3600, gt=0)
    # Sign-in throttling (app/accounts/throttle.py): failures in a row for one account from one
    # client before it waits, the first wait (doubling with each further failure, up to the
    # cap), and the ceiling of failures from one address across accounts in the window.
    login_max_failures_per_account: int = 5
    login_backoff_base_seconds: int = Field(default=30, ge=1)
    login_backoff_max_seconds: int = Field(default=15 * 60, ge=1)
    login_max_failures_per_ip: int = 20
    login_max_failures_per_account_all_clients: int = 100
    login_window_seconds: int = 15 * 60
    # Personal access tokens: the lifetime when none is chosen, and the longest one allowed.
    token_default_days: int = Field(default=90, ge=1)
    token_max_days: int = Field(default=365, ge=1)
    # Addresses or networks (comma-separated, e.g. "10.0.0.5,10.1.0.0/16") of reverse proxies
    # whose X-Forwarded-For and X-Forwarded-Proto are believed; empty: none, the peer's own
    # address is the client's (app/kit/proxies.py).
    trusted_proxies: str = ""
    rate_limits: RateLimits = Field(default_factory=RateLimits)
    stale_after_days: int = 365

    # Anonymous pages kept in each worker's memory per data version (app/kit/page_cache.py);
    # 0 turns the cache off. The age limit bounds how late a page shows what time changes
    # without a write (a deadline passing).
    page_cache_bytes: int = Field(default=32 * 1024 * 1024, ge=0)
    page_cache_seconds: float = Field(default=30, gt=0)

    # Every request body (app/kit/body_limit.py); routes that take files declare their own.
    max_request_body_bytes: int = Field(default=1024 * 1024, gt=0)
    # A zip import (the inventory's CSV export): what its files may unpack to, all together, and
    # how many files it may hold. The 20 MB upload limit says nothing of this (a 400 KB zip can
    # hold 400 MB of CSV); an honest export unpacks to less than its JSON twin's 20 MB.
    import_max_unpacked_bytes: int = Field(default=50 * 1024 * 1024, gt=0)
    import_max_files: int = Field(default=10, gt=0)

    # Submission files (PDF only): each file's size and how many one submission may hold.
    submission_max_file_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    submission_max_files: int = Field(default=5, gt=0)

    @model_validator(mode="after")
    def _fill_defaults(self) -> Settings:
        self.var_dir = Path(self.var_dir)
        if not self.database_url:
            self.database_url = f"sqlite:///{self.var_dir / 'valleycross.db'}"
        if self.upload_dir is None:
            self.upload_dir = self.var_dir / "uploads"
        if not self.secret_key:
            if self.environment == "production":
                raise ValueError("SECRET_KEY must be set in production")
            self.secret_key = _persisted_secret(self.var_dir / "secret_key")
        if self.environment != "test" and (
                self.password_hash_memory_kib < OWASP_MIN_MEMORY_KIB
                or self.password_hash_time_cost < OWASP_MIN_TIME_COST):
            raise ValueError(f"PASSWORD_HASH_MEMORY_KIB must be at least {OWASP_MIN_MEMORY_KIB} "
                             f"and PASSWORD_HASH_TIME_COST at least {OWASP_MIN_TIME_COST} "
                             f"(OWASP's Argon2id minimum) outside tests")
        if self.smtp_host and not _one_address(self.mail_from):
            # Refused here so a deployment with a half-done mail setup fails at start-up, not
            # hours later in the worker's log.
            raise ValueError("MAIL_FROM must be one address, e.g. 'Valleycross "
                             "<no-reply@example.org>', when SMTP_HOST is set")
        return self

    @property
    def is_https(self) -> bool:
        return self.base_url.startswith("https://")

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)

    @property
    def email_enabled(self) -> bool:
        return bool(self.smtp_host)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _one_address(value: str) -> bool:
    if "\r" in value or "\n" in value:
        return False
    found = getaddresses([value])
    if len(found) != 1:
        return False
    address = found[0][1]
    local, _, domain = address.rpartition("@")
    return bool(local and domain) and not any(c.isspace() for c in address)


def _persisted_secret(path: Path) -> str:
    """Read the secret kept under var/, creating it on first run so restarts keep sessions valid."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    path.write_text(value)
    path.chmod(0o600)
    return value


@lru_cache
def get_settings() -> Settings:
    return Settings()
