"""Fresh databases for tests, built from the migrations.

A template database is migrated (and loaded with reference data) once per test session; each
test then gets its own copy: a file copy on SQLite, `CREATE DATABASE ... TEMPLATE` on PostgreSQL.
Select PostgreSQL with TEST_DATABASE_URL=postgresql+psycopg://127.0.0.1:5432/test (the URL's
database is only used to create and drop the per-run databases).
"""

from __future__ import annotations

import itertools
import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

_counter = itertools.count()


def backend_url() -> str | None:
    return os.environ.get("TEST_DATABASE_URL") or None


class SQLiteDatabases:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.template = root / "template.db"

    def build_template(self, prepare: Callable[[str], None]) -> None:
        prepare(self.url(self.template))
        with sqlite3.connect(self.template) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    @staticmethod
    def url(path: Path) -> str:
        return f"sqlite:///{path}"

    def fresh(self) -> str:
        path = self.root / f"test_{next(_counter)}.db"
        shutil.copyfile(self.template, path)
        return self.url(path)

    def empty(self) -> str:
        return self.url(self.root / f"empty_{next(_counter)}.db")

    def clone(self, url: str) -> str:
        """A copy of another test database as it is now (committed data, WAL included)."""
        path = self.root / f"clone_{next(_counter)}.db"
        source, target = sqlite3.connect(url.removeprefix("sqlite:///")), sqlite3.connect(path)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
        return self.url(path)

    def drop(self, url: str) -> None:
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


class PostgresDatabases:
    def __init__(self, admin_url: str) -> None:
        self.admin_url = make_url(admin_url)
        self.prefix = f"vc_test_{os.getpid()}"
        self.template_name = f"{self.prefix}_tpl"
        self.admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with self.admin.connect() as conn:  # fails loudly when the server is unreachable
            conn.execute(text("SELECT 1"))

    def _url(self, name: str) -> str:
        return self.admin_url.set(database=name).render_as_string(hide_password=False)

    def _create(self, name: str, template: str | None = None) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            clause = f' TEMPLATE "{template}"' if template else ""
            conn.execute(text(f'CREATE DATABASE "{name}"{clause}'))

    def build_template(self, prepare: Callable[[str], None]) -> None:
        self._create(self.template_name)
        prepare(self._url(self.template_name))

    def fresh(self) -> str:
        name = f"{self.prefix}_{next(_counter)}"
        self._create(name, template=self.template_name)
        return self._url(name)

    def empty(self) -> str:
        name = f"{self.prefix}_empty_{next(_counter)}"
        self._create(name)
        return self._url(name)

    def clone(self, url: str) -> str:
        """A copy of another test database as it is now.

        PostgreSQL copies only a database nobody is connected to, so idle connections left to it
        (pooled, or not yet given back by a finished request) are ended first; engines with
        `pool_pre_ping` reconnect on their next use.
        """
        source = make_url(url).database
        with self.admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = :name AND pid <> pg_backend_pid()"),
                         {"name": source})
        name = f"{self.prefix}_clone_{next(_counter)}"
        self._create(name, template=source)
        return self._url(name)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def close(self) -> None:
        self.drop(self._url(self.template_name))
        self.admin.dispose()
