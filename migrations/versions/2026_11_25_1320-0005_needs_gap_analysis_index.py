"""needs gap analysis index

Revision ID: 0005
Revises: 0006
Create Date: 2026-11-25 13:20:00
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op


revision: str = '0005'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The gap analysis groups needs by (status, country, sector, stage, priority).
    with op.batch_alter_table('needs', schema=None) as batch_op:
        batch_op.create_index('ix_needs_status_key',
                              ['status', 'country_code', 'sector', 'stage', 'priority'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('needs', schema=None) as batch_op:
        batch_op.drop_index('ix_needs_status_key')
