"""Engine, session factory and the declarative Base shared by every domain."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import DateTime, Engine, ForeignKey, MetaData, create_engine, event
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    mapped_column,
    relationship,
    sessionmaker,
)
from sqlalchemy.types import TypeDecorator

from app.config import get_settings
from app.kit import data_version

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """The current time as an aware UTC datetime; the only clock the services read."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware UTC datetimes on every backend (SQLite keeps no offset, so we restore it on load)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; the platform stores aware UTC times only")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dt.datetime: UTCDateTime()}


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """Create an engine with the settings both backends need."""
    settings = get_settings()
    pool = {"pool_size": settings.database_pool_size,
            "max_overflow": settings.database_max_overflow, "pool_timeout": 10}
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 10}, **pool)
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True, **pool)
    data_version.install(engine)
    return engine


_engines: dict[str, Engine] = {}


def get_engine(url: str | None = None) -> Engine:
    url = url or get_settings().database_url
    if url not in _engines:
        _engines[url] = make_engine(url)
    return _engines[url]


def dispose_engines() -> None:
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()


def session_factory(url: str | None = None) -> sessionmaker[Session]:
    return sessionmaker(bind=get_engine(url), expire_on_commit=False, autoflush=True)


@contextmanager
def transaction(url: str | None = None) -> Iterator[Session]:
    """A unit of work outside a request (CLI, scripts): commit on success, roll back on error."""
    session = session_factory(url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def str_enum(enum_class: type[Any], name: str, length: int = 30) -> Any:
    """A string column restricted to an enum's values (a CHECK constraint, no native type)."""
    from sqlalchemy import Enum

    return Enum(enum_class, name=name, native_enum=False, length=length,
                values_callable=lambda e: [m.value for m in e], create_constraint=True,
                validate_strings=True)


def owned_by(target: str, **options: Any) -> Any:
    """A foreign key to `target` ("table.column") whose row this one belongs to: deleting that
    row deletes this one (ON DELETE CASCADE). `options` go to `mapped_column`."""
    return mapped_column(ForeignKey(target, ondelete="CASCADE"), **options)


def done_by(target: str, **options: Any) -> Any:
    """A foreign key to `target` that only records who or what did something: deleting that row
    keeps this one and forgets the reference (ON DELETE SET NULL)."""
    return mapped_column(ForeignKey(target, ondelete="SET NULL"), **options)


class Timestamped:
    """When a record was created and last changed (aware UTC; `updated_at` moves on every
    UPDATE the ORM makes)."""

    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


def parts(order_by: str | None = None) -> Any:
    """The rows that belong to this one and to nothing else (its targets, files, scores): loaded
    with it in one more query per collection, saved and deleted with it."""
    if order_by is None:
        return relationship(lazy="selectin", cascade="all, delete-orphan")
    return relationship(lazy="selectin", cascade="all, delete-orphan", order_by=order_by)


def kept_for(target: str, **options: Any) -> Any:
    """A foreign key from a money record to `target`: deleting that row is refused while the
    record exists (ON DELETE RESTRICT), so money records are never cascaded away."""
    return mapped_column(ForeignKey(target, ondelete="RESTRICT"), **options)

