from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import settings as hypothesis_settings
from sqlalchemy.orm import Session

from app.config import Settings, get_settings
from app.db import dispose_engines, session_factory
from tests.challenges.factories import Clock, install_clock
from tests.db_setup import PostgresDatabases, SQLiteDatabases, backend_url

# How long one example takes on two shared cores says nothing about the property under test;
# Hypothesis's 200 ms per-example deadline made a pure test flaky under CI load.
hypothesis_settings.register_profile("valleycross", deadline=None)
hypothesis_settings.load_profile("valleycross")

os.environ.setdefault("ENVIRONMENT", "test")
# Argon2id at RFC 9106's cost takes about half a second of CPU per hash here, and the suite makes
# and signs in thousands of accounts: tests (and the live servers they start, which inherit this
# environment) hash with the same algorithm at its smallest cost. tests/accounts/test_passwords.py
# checks the real defaults, and that login upgrades a hash made this cheaply.
os.environ.setdefault("PASSWORD_HASH_TIME_COST", "1")
os.environ.setdefault("PASSWORD_HASH_MEMORY_KIB", "8")
os.environ.setdefault("PASSWORD_HASH_PARALLELISM", "1")


def _prepare(url: str) -> None:
    """Migrate a database to head and load the reference data into it."""
    from app.cli import migrate_database
    from app.db import transaction
    from app.reference.seed import load_reference

    migrate_database(url)
    # Only the reference tables (countries, groups, SDGs): each test arranges its own inventory,
    # needs and challenges; tests of the real seed inventory load it themselves.
    with transaction(url) as db:
        load_reference(db)
    dispose_engines()


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SQLiteDatabases |
                                                                      PostgresDatabases]:
    admin_url = backend_url()
    dbs: SQLiteDatabases | PostgresDatabases
    if admin_url:
        dbs = PostgresDatabases(admin_url)
    else:
        dbs = SQLiteDatabases(tmp_path_factory.mktemp("databases"))
    dbs.build_template(_prepare)
    yield dbs
    dispose_engines()
    dbs.close()


def fresh_database(databases: SQLiteDatabases | PostgresDatabases) -> Iterator[str]:
    """A fresh database built from the migrations, with reference data; dropped afterwards."""
    url = databases.fresh()
    yield url
    dispose_engines()
    databases.drop(url)


@pytest.fixture
def database_url(databases: SQLiteDatabases | PostgresDatabases) -> Iterator[str]:
    """A fresh database built from the migrations, with reference data, for this test alone."""
    yield from fresh_database(databases)


@pytest.fixture
def settings(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("SECRET_KEY", "test-secret-key-not-for-production-0123456789")
    monkeypatch.setenv("ENVIRONMENT", "test")
    for name in ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "BASE_URL", "SMTP_HOST",
                 "SMTP_PORT", "SMTP_USERNAME", "SMTP_PASSWORD", "SMTP_STARTTLS", "SMTP_SSL",
                 "SMTP_TIMEOUT_SECONDS", "MAIL_FROM"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    from app.main import create_app

    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def db(settings: Settings) -> Iterator[Session]:
    """A session on the test's database for arranging and checking data through services."""
    session = session_factory(settings.database_url)()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The challenge services' clock, frozen at 2030-03-01 12:00 UTC; tests move it."""
    return install_clock(monkeypatch)
