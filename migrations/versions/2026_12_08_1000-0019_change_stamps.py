"""change stamps: a random token per group of tables, drawn anew by triggers on every change;
an index of needs by data set

The coverage index, the coordination view's overlaps and the inventory's facet counts are kept
in memory between requests under the stamps of the tables they are computed from
(app/inventory/stamps.py). A trigger draws a new stamp in the changing transaction: for every
row on SQLite, once per transaction on PostgreSQL (its statement trigger runs for every row of a
bulk insert, and updating one row thousands of times in a transaction is quadratic). So a
committed stamp names one committed state of its tables; an uncommitted or rolled-back change
leaves a stamp nobody else ever reads.

On SQLite a later migration that rebuilds one of these tables (batch mode copies the table)
drops its triggers with the old table: re-create them in that migration
(tests/inventory/test_stamps.py checks that every table still moves its stamp).

`ix_needs_dataset` answers "is any demonstration data loaded?" (a banner on the needs, gaps and
country pages) without scanning every need.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-08 10:00:00
"""
from __future__ import annotations

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STAMPS = ('mechanisms', 'mechanism_coverage', 'technologies', 'country_groups', 'needs')
_ANY = ('INSERT', 'UPDATE', 'DELETE')
_MECHANISM_FACETS = ('mechanism_scopes', 'mechanism_sectors', 'mechanism_stages',
                     'mechanism_functions')
# (trigger, table, the changes that count, the stamps they draw anew). `mechanism_coverage`
# moves only with what decides coverage (a mechanism's being there, its status, its facets), so
# a new name, budget or verification date leaves the coverage index as it was.
TRIGGERS = [
    ('mechanisms_change_stamp', 'mechanisms', _ANY, ('mechanisms',)),
    ('mechanisms_coverage_stamp', 'mechanisms', ('INSERT', 'UPDATE OF status', 'DELETE'),
     ('mechanism_coverage',)),
    *((f'{table}_change_stamp', table, _ANY, ('mechanisms', 'mechanism_coverage'))
      for table in _MECHANISM_FACETS),
    *((f'{table}_change_stamp', table, _ANY, ('technologies',))
      for table in ('technologies', 'technology_sectors', 'technology_countries')),
    *((f'{table}_change_stamp', table, _ANY, ('country_groups',))
      for table in ('country_groups', 'country_group_memberships')),
    ('needs_change_stamp', 'needs', _ANY, ('needs',)),
]

# Once per transaction: a transaction-local setting remembers the stamp was drawn (undone with
# the draw by a rollback, to a savepoint too).
PG_FUNCTION = """
CREATE OR REPLACE FUNCTION valleycross_new_change_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  stamp_name text;
BEGIN
  FOREACH stamp_name IN ARRAY TG_ARGV LOOP
    IF current_setting('valleycross.change_stamp_' || stamp_name, true)
       IS DISTINCT FROM 'drawn' THEN
      UPDATE change_stamps SET stamp = gen_random_uuid()::text WHERE name = stamp_name;
      PERFORM set_config('valleycross.change_stamp_' || stamp_name, 'drawn', true);
    END IF;
  END LOOP;
  RETURN NULL;
END $$
"""
SQLITE_STAMP = 'lower(hex(randomblob(16)))'  # drawn for each row written


def _sqlite_name(trigger: str, event: str) -> str:
    return f"{trigger}_{event.lower().replace(' of ', '_')}"


def upgrade() -> None:
    stamps = op.create_table(
        'change_stamps',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('stamp', sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_change_stamps')),
    )
    # Random from the start too: two databases upgraded with different rows never share one.
    op.bulk_insert(stamps, [{'name': name, 'stamp': uuid.uuid4().hex} for name in STAMPS])
    op.create_index('ix_needs_dataset', 'needs', ['dataset'], unique=False)
    postgres = op.get_bind().dialect.name == 'postgresql'
    if postgres:
        op.execute(PG_FUNCTION)
    for trigger, table, events, names in TRIGGERS:
        if postgres:
            arguments = ', '.join(f"'{name}'" for name in names)
            op.execute(f"CREATE TRIGGER {trigger} AFTER {' OR '.join(events)} OR TRUNCATE "
                       f"ON {table} FOR EACH STATEMENT "
                       f"EXECUTE FUNCTION valleycross_new_change_stamp({arguments})")
            continue
        listed = ', '.join(f"'{name}'" for name in names)
        for event in events:
            op.execute(f"CREATE TRIGGER {_sqlite_name(trigger, event)} AFTER {event} ON {table} "
                       f"BEGIN UPDATE change_stamps SET stamp = {SQLITE_STAMP} "
                       f"WHERE name IN ({listed}); END")


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == 'postgresql'
    for trigger, table, events, _names in TRIGGERS:
        if postgres:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        else:
            for event in events:
                op.execute(f"DROP TRIGGER IF EXISTS {_sqlite_name(trigger, event)}")
    if postgres:
        op.execute("DROP FUNCTION IF EXISTS valleycross_new_change_stamp()")
    op.drop_table('change_stamps')
    op.drop_index('ix_needs_dataset', table_name='needs')
