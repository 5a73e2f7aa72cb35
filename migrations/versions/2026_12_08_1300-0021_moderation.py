"""trust and safety: reports of questions, answers, team names, challenges, suggestions and
profiles; what moderators hid

Whether a thing is hidden is a nullable time on its own row (the row is kept; pages show
"hidden by moderators" in its place), so each domain honours it in its own queries. Who hid it
and why are in the reports it decided and in the audit log. One open report per reporter and
subject: a partial unique index.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-08 13:00:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.db import UTCDateTime

revision: str = '0021'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, the columns added to it)
HIDDEN = (
    ('challenges', ('hidden_at',)),
    ('challenge_questions', ('question_hidden_at', 'answer_hidden_at')),
    ('teams', ('name_hidden_at',)),
    ('suggestions', ('hidden_at',)),
    ('users', ('profile_hidden_at',)),
)
OPEN = sa.text("state = 'open'")


def upgrade() -> None:
    # Adding a nullable column needs no copy of the table on SQLite (ALTER TABLE ADD COLUMN),
    # so no trigger of these tables is lost.
    for table, columns in HIDDEN:
        with op.batch_alter_table(table) as batch_op:
            for column in columns:
                batch_op.add_column(sa.Column(column, UTCDateTime(timezone=True), nullable=True))
    op.create_table(
        'reports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('reporter_id', sa.Integer(), nullable=True),
        sa.Column('subject_kind', sa.Enum('question', 'answer', 'team', 'challenge',
                                          'suggestion', 'profile', name='report_subject',
                                          native_enum=False, length=30, create_constraint=True),
                  nullable=False),
        sa.Column('subject_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.Enum('spam', 'abuse', 'illegal', 'personal_data', 'misleading',
                                    'other', name='report_reason', native_enum=False, length=30,
                                    create_constraint=True), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('state', sa.Enum('open', 'hidden', 'dismissed', 'restored',
                                   name='report_state', native_enum=False, length=30,
                                   create_constraint=True), nullable=False),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('decided_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decision_reason', sa.Text(), nullable=True),
        sa.Column('excerpt', sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(['reporter_id'], ['users.id'],
                                name=op.f('fk_reports_reporter_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'],
                                name=op.f('fk_reports_decided_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reports')),
    )
    op.create_index('ix_reports_subject_state', 'reports', ['subject_kind', 'subject_id', 'state'])
    op.create_index('uq_reports_open_per_reporter', 'reports',
                    ['reporter_id', 'subject_kind', 'subject_id'], unique=True,
                    sqlite_where=OPEN, postgresql_where=OPEN)


def downgrade() -> None:
    op.drop_index('uq_reports_open_per_reporter', table_name='reports')
    op.drop_index('ix_reports_subject_state', table_name='reports')
    op.drop_table('reports')
    for table, columns in reversed(HIDDEN):
        with op.batch_alter_table(table) as batch_op:
            for column in reversed(columns):
                batch_op.drop_column(column)
