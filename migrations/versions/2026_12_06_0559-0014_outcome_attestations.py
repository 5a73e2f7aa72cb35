"""verification: outcome attestations (a verifier's measured value per entry and target)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 05:59:27
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('outcome_attestations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('measured_value', sa.String(length=50), nullable=False),
    sa.Column('met', sa.Boolean(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('evidence_url', sa.String(length=500), nullable=True),
    sa.Column('verifier_id', sa.Integer(), nullable=True),
    sa.Column('attested_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_outcome_attestations_challenge_id_challenges'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_outcome_attestations_submission_id_submissions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['target_id'], ['challenge_targets.id'], name=op.f('fk_outcome_attestations_target_id_challenge_targets'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['verifier_id'], ['users.id'], name=op.f('fk_outcome_attestations_verifier_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcome_attestations')),
    sa.UniqueConstraint('submission_id', 'target_id', name=op.f('uq_outcome_attestations_submission_id_target_id'))
    )
    with op.batch_alter_table('outcome_attestations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcome_attestations_challenge_id'), ['challenge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outcome_attestations_target_id'), ['target_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outcome_attestations_verifier_id'), ['verifier_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('outcome_attestations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outcome_attestations_verifier_id'))
        batch_op.drop_index(batch_op.f('ix_outcome_attestations_target_id'))
        batch_op.drop_index(batch_op.f('ix_outcome_attestations_challenge_id'))

    op.drop_table('outcome_attestations')
