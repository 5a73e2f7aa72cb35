"""Bulk rows through SQLAlchemy Core: ids handed out in advance, one executemany per table.

Ids are given explicitly (from the table's current maximum on), so the loader knows every key
before it inserts and no row is read back. PostgreSQL's sequences do not see explicit ids, so
`finish` moves each one past the rows written; otherwise the app's next insert would collide.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Table, func, select, text
from sqlalchemy.orm import DeclarativeBase

Row = dict[str, Any]
CHUNK = 5_000


def table_of(model: type[DeclarativeBase] | Table) -> Table:
    if isinstance(model, Table):
        return model
    table = model.__table__
    assert isinstance(table, Table)
    return table


class Writer:
    """Inserts rows table by table on one connection and counts them."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.counts: Counter[str] = Counter()
        self._next: dict[str, int] = {}

    def ids(self, model: type[DeclarativeBase] | Table, n: int) -> range:
        """`n` fresh ids for the table, after any already there or handed out."""
        table = table_of(model)
        if table.name not in self._next:
            top = self.conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
            self._next[table.name] = int(top) + 1
        start = self._next[table.name]
        self._next[table.name] = start + n
        return range(start, start + n)

    def insert(self, model: type[DeclarativeBase] | Table, rows: Sequence[Row]) -> None:
        table = table_of(model)
        statement = table.insert()
        for start in range(0, len(rows), CHUNK):
            self.conn.execute(statement, list(rows[start:start + CHUNK]))
        self.counts[table.name] += len(rows)

    def finish(self) -> None:
        """Sequences past the explicit ids (PostgreSQL), then fresh planner statistics: the
        pages' query plans at this size depend on them, and a real database would have them."""
        if self.conn.dialect.name == "postgresql":
            for name in sorted(self._next):
                self.conn.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT max(id) FROM {name}))"))
        self.conn.exec_driver_sql("ANALYZE")


def rng(seed: int, part: str) -> random.Random:
    """A generator of its own for each part, so one part's draws never shift another's."""
    return random.Random(f"valleycross-scale:{seed}:{part}")


def scaled(count: int, factor: float, minimum: int = 1) -> int:
    return max(minimum, round(count * factor))


def moment(rnd: random.Random, start: dt.datetime, end: dt.datetime) -> dt.datetime:
    """A whole second between `start` and `end` (both aware)."""
    span = max(0, int((end - start).total_seconds()))
    return (start + dt.timedelta(seconds=rnd.randint(0, span))).replace(microsecond=0)


def pick(rnd: random.Random, values: Sequence[Any], low: int, high: int) -> list[Any]:
    """Between `low` and `high` distinct values, in the order of `values`."""
    chosen = rnd.sample(range(len(values)), min(len(values), rnd.randint(low, high)))
    return [values[i] for i in sorted(chosen)]


def days(rnd: random.Random, low: int, high: int) -> dt.timedelta:
    return dt.timedelta(days=rnd.randint(low, high))


def weighted(rnd: random.Random, options: Iterable[tuple[Any, float]]) -> Any:
    items = list(options)
    return rnd.choices([v for v, _ in items], weights=[w for _, w in items])[0]
