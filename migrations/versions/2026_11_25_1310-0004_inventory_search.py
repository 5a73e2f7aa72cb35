"""inventory full-text search; a mechanism's status may be unknown

A mechanism's `status` becomes nullable: the seed leaves it open where the current state of a
mechanism could not be confirmed.

SQLite: an FTS5 table per searchable table (external content, so the text is stored once), kept
in sync by triggers, with the Porter stemmer. PostgreSQL: a GIN index on a weighted English
tsvector expression; app/inventory/search.py repeats the same expressions in its queries.

These objects are not in the models; migrations/env.py and tests/test_migrations.py leave them out
of the comparison (app/kit/schema_objects.py). On SQLite a later migration that rebuilds
`mechanisms` or `technologies` (batch mode copies the table) drops these triggers with the old
table: re-create them in that migration (tests/inventory/test_search.py checks they exist).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 13:10:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> searchable columns, in the order of the FTS5 columns
SEARCHABLE = {
    'mechanisms': ('name', 'acronym', 'description'),
    'technologies': ('name', 'summary', 'description'),
}

PG_VECTORS = {
    'mechanisms': "(setweight(to_tsvector('english'::regconfig, coalesce(name, '') || ' ' || "
                  "coalesce(acronym, '')), 'A') || setweight(to_tsvector('english'::regconfig, "
                  "coalesce(description, '')), 'C'))",
    'technologies': "(setweight(to_tsvector('english'::regconfig, coalesce(name, '')), 'A') || "
                    "setweight(to_tsvector('english'::regconfig, coalesce(summary, '')), 'B') || "
                    "setweight(to_tsvector('english'::regconfig, coalesce(description, '')), "
                    "'C'))",
}


def _sqlite_up(table: str, columns: tuple[str, ...]) -> None:
    fts = f'{table}_fts'
    cols = ', '.join(columns)
    new = ', '.join(f'new.{c}' for c in columns)
    old = ', '.join(f'old.{c}' for c in columns)
    op.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content='{table}', "
               f"content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')")
    op.execute(f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN "
               f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END")
    op.execute(f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN "
               f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); END")
    op.execute(f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {cols} ON {table} BEGIN "
               f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); "
               f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END")
    op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def _sqlite_down(table: str) -> None:
    fts = f'{table}_fts'
    for suffix in ('insert', 'delete', 'update'):
        op.execute(f'DROP TRIGGER IF EXISTS {fts}_{suffix}')
    op.execute(f'DROP TABLE IF EXISTS {fts}')


STATUS = sa.Enum('active', 'closed', name='mechanism_status', native_enum=False,
                 create_constraint=True, length=30)


def upgrade() -> None:
    # First, while the table may still be rebuilt (batch mode on SQLite) without losing triggers.
    with op.batch_alter_table('mechanisms', schema=None) as batch_op:
        batch_op.alter_column('status', existing_type=STATUS, nullable=True)
    dialect = op.get_bind().dialect.name
    for table, columns in SEARCHABLE.items():
        if dialect == 'sqlite':
            _sqlite_up(table, columns)
        elif dialect == 'postgresql':
            op.execute(f'CREATE INDEX ix_{table}_search ON {table} USING gin ({PG_VECTORS[table]})')


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in SEARCHABLE:
        if dialect == 'sqlite':
            _sqlite_down(table)
        elif dialect == 'postgresql':
            op.execute(f'DROP INDEX IF EXISTS ix_{table}_search')
    # The older schema cannot say "unknown"; such mechanisms go back as active.
    op.execute("UPDATE mechanisms SET status = 'active' WHERE status IS NULL")
    with op.batch_alter_table('mechanisms', schema=None) as batch_op:
        batch_op.alter_column('status', existing_type=STATUS, nullable=False)
