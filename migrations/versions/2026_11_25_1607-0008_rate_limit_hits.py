"""rate limit hits: counted actions per client for anti-automation (app/kit/rate_limit.py)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 16:07:45
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('rate_limit_hits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rate_limit_hits'))
    )
    with op.batch_alter_table('rate_limit_hits', schema=None) as batch_op:
        # One index serves the count of a client's recent actions and the pruning of old ones.
        batch_op.create_index('ix_rate_limit_hits_action_key_at', ['action', 'key', 'at'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('rate_limit_hits', schema=None) as batch_op:
        batch_op.drop_index('ix_rate_limit_hits_action_key_at')

    op.drop_table('rate_limit_hits')
