"""A snapshot of every table of the database an application serves, to prove that a refused
request changed nothing."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

import app.models  # noqa: F401  (every domain's tables in the metadata)
from app.db import Base

# Written by any signed-in request whatever it asks for: when a token or session was last used.
VOLATILE_COLUMNS = frozenset({"last_used_at", "last_seen_at"})


@dataclass(frozen=True)
class Snapshot:
    tables: dict[str, list[tuple[str, ...]]]

    def changes(self, later: Snapshot) -> list[str]:
        """The tables whose rows differ in `later`."""
        return [name for name, rows in self.tables.items() if later.tables.get(name) != rows]


def snapshot(application: FastAPI) -> Snapshot:
    maker: sessionmaker[Session] = application.state.session_maker
    tables: dict[str, list[tuple[str, ...]]] = {}
    with maker() as db:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if c.name not in VOLATILE_COLUMNS]
            rows = db.execute(select(*columns)).all()
            tables[table.name] = sorted(tuple(repr(v) for v in row) for row in rows)
    return Snapshot(tables)
