"""Results kept in memory between requests, under the change stamps of the tables they come from.

Each stamp (`ChangeStamp`, migration 0019) is a random token that a database trigger draws anew
when its tables change: for every row on SQLite, once per transaction on PostgreSQL (a bulk
insert there runs the trigger per row, and updating one row thousands of times in a transaction
is quadratic). A committed stamp thus names one committed state of its tables, on every worker
and server, and a result kept under the stamps it was computed after is current exactly while
they still read the same:

- the stamps are read before the rows (pending ORM changes flushed first), so a kept result is
  never older than its key (at worst newer, when a write commits in between);
- only a transaction that has written nothing keeps what it computes (`Memo.get(keep=...)`):
  one that changed these tables sees its own rows under a stamp nobody else reads until it
  commits, and may change more before it does. Any transaction may use what is kept: under the
  stamps it reads, the rows it would see are the committed ones;
- database copies share stamps only while their rows are the same (tests, restores).

Finer than the data version (app/kit/data_version.py), which every write moves: a new challenge
or entry leaves the coverage index and the inventory's facets as they were. Results that also
depend on the date (country-group memberships hold "today") put the day in their key.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from sqlalchemy import Connection, select, text
from sqlalchemy.orm import Session

from app.inventory.models import ChangeStamp

MECHANISMS = "mechanisms"  # any change to mechanisms, their scopes, sectors, stages, functions
# What decides coverage only: a mechanism's being there, its status, scopes, sectors, stages and
# functions (not its name, budget or verification date).
MECHANISM_COVERAGE = "mechanism_coverage"
TECHNOLOGIES = "technologies"  # technologies, their sectors and countries
COUNTRY_GROUPS = "country_groups"  # country groups and their dated memberships
NEEDS = "needs"

T = TypeVar("T")
Key = tuple[Hashable, ...]


def today() -> dt.date:
    """The day country-group memberships are read for (`reference.service.valid_on(None)`)."""
    return dt.datetime.now(dt.UTC).date()


_HAS_TABLE = "valleycross_has_change_stamps"


def _has_table(conn: Connection) -> bool:
    """Whether the database has the stamps (a database not yet migrated to 0019 keeps nothing
    rather than failing); asked once per pooled connection."""
    info = conn.connection.info
    if _HAS_TABLE not in info:
        info[_HAS_TABLE] = conn.dialect.has_table(conn, ChangeStamp.__tablename__)
    return bool(info[_HAS_TABLE])


def read(db: Session, *names: str) -> tuple[str, ...] | None:
    """The named stamps, in order; None when one is missing (then nothing may be kept)."""
    db.flush()  # pending changes draw their stamps (and count as written) before the read
    if not _has_table(db.connection()):
        return None
    found = dict(db.connection().execute(
        select(ChangeStamp.name, ChangeStamp.stamp).where(ChangeStamp.name.in_(names))
    ).all())
    if any(name not in found for name in names):
        return None
    return tuple(found[name] for name in names)


def may_keep(db: Session) -> bool:
    """Whether this transaction has written nothing yet (call after `read`, which flushes)."""
    conn = db.connection()
    if conn.dialect.name == "postgresql":  # a transaction id is given at the first write
        return conn.execute(text("SELECT txid_current_if_assigned()")).scalar() is None
    # pysqlite opens a transaction before the first write only
    return not conn.connection.dbapi_connection.in_transaction  # type: ignore[union-attr]


class Memo(Generic[T]):
    """The last `kept` results by key. Concurrent misses of one key compute it once (the others
    wait for it); a key of None, or `keep=False`, computes without keeping."""

    def __init__(self, kept: int = 2) -> None:
        self.kept = kept
        self._lock = threading.Lock()
        self._entries: OrderedDict[Key, T] = OrderedDict()
        self._gates: dict[Key, threading.Lock] = {}

    def _found(self, key: Key) -> T | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def get(self, key: Key | None, make: Callable[[], T], *, keep: bool = True) -> T:
        if key is None:
            return make()
        found = self._found(key)
        if found is not None or not keep:
            return found if found is not None else make()
        with self._lock:
            gate = self._gates.setdefault(key, threading.Lock())
        with gate:
            found = self._found(key)
            if found is not None:
                return found
            try:
                made = make()
                with self._lock:
                    self._entries[key] = made
                    self._entries.move_to_end(key)
                    while len(self._entries) > self.kept:
                        self._entries.popitem(last=False)
            finally:
                with self._lock:
                    self._gates.pop(key, None)
            return made

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
