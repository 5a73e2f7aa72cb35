"""The migrations are the schema: they match the models and go down and up again cleanly."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from app.cli import alembic_config
from app.kit.schema_objects import include_name, include_object
from app.models import metadata
from tests.db_setup import PostgresDatabases, SQLiteDatabases


@pytest.fixture
def empty_url(databases: SQLiteDatabases | PostgresDatabases) -> Iterator[str]:
    url = databases.empty()
    yield url
    databases.drop(url)


def _diff(url: str) -> list[object]:
    engine = create_engine(url)
    with engine.connect() as conn:
        # Hand-made full-text search objects (FTS5 tables, GIN expression indexes) are not
        # in the models.
        context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                         "render_as_batch": True,
                                                         "include_name": include_name,
                                                         "include_object": include_object})
        diff = compare_metadata(context, metadata)
    engine.dispose()
    return list(diff)


def test_upgrade_check_downgrade_upgrade(empty_url: str) -> None:
    config = alembic_config(empty_url)
    config.attributes["skip_logging"] = True
    command.upgrade(config, "head")  # type: ignore[arg-type]
    assert _diff(empty_url) == [], "models and migrations differ: write a migration"
    command.downgrade(config, "base")  # type: ignore[arg-type]
    engine = create_engine(empty_url)
    leftover = set(inspect(engine).get_table_names()) - {"alembic_version"}
    engine.dispose()
    assert leftover == set()
    command.upgrade(config, "head")  # type: ignore[arg-type]
    assert _diff(empty_url) == []
