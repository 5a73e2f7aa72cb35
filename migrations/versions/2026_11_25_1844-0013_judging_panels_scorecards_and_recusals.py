"""judging: panels, scorecards with criterion scores, recusals

Revision ID: 0013
Revises: 0010
Create Date: 2026-11-25 18:44:43
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = '0013'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('judge_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('assigned_by_id', sa.Integer(), nullable=True),
    sa.Column('assigned_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['users.id'], name=op.f('fk_judge_assignments_assigned_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_judge_assignments_challenge_id_challenges'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['judge_id'], ['users.id'], name=op.f('fk_judge_assignments_judge_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_judge_assignments')),
    sa.UniqueConstraint('challenge_id', 'judge_id', name=op.f('uq_judge_assignments_challenge_id_judge_id'))
    )
    with op.batch_alter_table('judge_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_judge_assignments_judge_id'), ['judge_id'], unique=False)

    op.create_table('recusals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_recusals_challenge_id_challenges'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['judge_id'], ['users.id'], name=op.f('fk_recusals_judge_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_recusals_submission_id_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recusals')),
    sa.UniqueConstraint('submission_id', 'judge_id', name=op.f('uq_recusals_submission_id_judge_id'))
    )
    with op.batch_alter_table('recusals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recusals_challenge_id'), ['challenge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_recusals_judge_id'), ['judge_id'], unique=False)

    op.create_table('scorecards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'submitted', name='scorecard_state', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_scorecards_challenge_id_challenges'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['judge_id'], ['users.id'], name=op.f('fk_scorecards_judge_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_scorecards_submission_id_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scorecards')),
    sa.UniqueConstraint('submission_id', 'judge_id', name=op.f('uq_scorecards_submission_id_judge_id'))
    )
    with op.batch_alter_table('scorecards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scorecards_challenge_id'), ['challenge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_scorecards_judge_id'), ['judge_id'], unique=False)

    op.create_table('criterion_scores',
    sa.Column('scorecard_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.String(length=50), nullable=False),
    sa.ForeignKeyConstraint(['criterion_id'], ['challenge_criteria.id'], name=op.f('fk_criterion_scores_criterion_id_challenge_criteria'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['scorecard_id'], ['scorecards.id'], name=op.f('fk_criterion_scores_scorecard_id_scorecards'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('scorecard_id', 'criterion_id', name=op.f('pk_criterion_scores'))
    )
    with op.batch_alter_table('criterion_scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_criterion_scores_criterion_id'), ['criterion_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('criterion_scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_criterion_scores_criterion_id'))

    op.drop_table('criterion_scores')
    with op.batch_alter_table('scorecards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scorecards_judge_id'))
        batch_op.drop_index(batch_op.f('ix_scorecards_challenge_id'))

    op.drop_table('scorecards')
    with op.batch_alter_table('recusals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recusals_judge_id'))
        batch_op.drop_index(batch_op.f('ix_recusals_challenge_id'))

    op.drop_table('recusals')
    with op.batch_alter_table('judge_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_judge_assignments_judge_id'))

    op.drop_table('judge_assignments')
