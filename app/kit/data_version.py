"""The data version: moved on by every committed write, in that write's own transaction.

Cached pages (app/kit/page_cache.py) are kept per version, so a write invalidates them on every
worker and server the moment it commits, never later and never by a timer. The hook sits on the
engine, below the ORM: a Core `update()`, a bulk insert or a compare-and-set written as text
moves the version just like a flushed object does.

Writes that no anonymous page can show (sign-in sessions, a token's last use, throttling
counters, the mail outbox) do not move it: a busy API or a login rush would otherwise empty the
cache for nothing.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Connection, Engine, event, text

PUBLIC = "public"
_WROTE = "valleycross_wrote"
_HAS_TABLE = "valleycross_has_data_versions"

# Tables whose rows never appear on a page anyone can see without signing in.
UNSEEN_TABLES = frozenset({"user_sessions", "api_tokens", "login_attempts", "rate_limit_hits",
                           "notification_outbox", "data_versions"})

_DML = re.compile(r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?',
                  re.IGNORECASE)

# Set by the page cache around one request: whether anything that request did wrote data
# (such an answer, e.g. a one-time link's page, is never kept). A mutable holder, because
# work runs in threads that see a copy of the context.
request_writes: ContextVar[list[bool] | None] = ContextVar("request_writes", default=None)


def written_table(statement: str) -> str | None:
    """The table an INSERT/UPDATE/DELETE statement writes to, or None for anything else."""
    match = _DML.match(statement)
    return match.group(1).lower() if match else None


def _before_cursor_execute(conn: Connection, _cursor: Any, statement: str, *_: Any) -> None:
    table = written_table(statement)
    if table is None or table in UNSEEN_TABLES:
        return
    conn.info[_WROTE] = True
    holder = request_writes.get()
    if holder is not None:
        holder.append(True)


def _has_table(conn: Connection) -> bool:
    # Cached per pooled DBAPI connection: asked once, not on every commit. A database migrated
    # below 0018 (migration tests) simply has no version to move.
    record_info = conn.connection.info
    if _HAS_TABLE not in record_info:
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            if conn.dialect.name == "sqlite":
                cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                               "AND name = 'data_versions'")
            else:
                cursor.execute("SELECT 1 FROM pg_catalog.pg_tables "
                               "WHERE tablename = 'data_versions' "
                               "AND schemaname = ANY (current_schemas(false))")
            record_info[_HAS_TABLE] = cursor.fetchone() is not None
        finally:
            cursor.close()
    return bool(record_info[_HAS_TABLE])


def _commit(conn: Connection) -> None:
    # Runs just before the DBAPI commit, inside the transaction being committed: the write and
    # the new version become visible together. The DBAPI cursor is used directly because the
    # Connection is in the middle of committing.
    if not conn.info.pop(_WROTE, False) or not _has_table(conn):
        return
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute("UPDATE data_versions SET version = version + 1 "
                       f"WHERE name = '{PUBLIC}'")
    finally:
        cursor.close()


def _rollback(conn: Connection) -> None:
    conn.info.pop(_WROTE, None)


def install(engine: Engine) -> None:
    """Make every committed write through `engine` move the data version."""
    event.listen(engine, "before_cursor_execute", _before_cursor_execute)
    event.listen(engine, "commit", _commit)
    event.listen(engine, "rollback", _rollback)


READ_SQL = f"SELECT version FROM data_versions WHERE name = '{PUBLIC}'"


def read(conn: Connection) -> int:
    """The current data version (0 before any write)."""
    return int(conn.execute(text(READ_SQL)).scalar() or 0)
