"""reference data

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 13:00:51.485569
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('countries',
    sa.Column('alpha3', sa.String(length=3), nullable=False),
    sa.Column('alpha2', sa.String(length=2), nullable=True),
    sa.Column('numeric', sa.String(length=3), nullable=True),
    sa.Column('m49', sa.String(length=3), nullable=True),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('name_fr', sa.String(length=200), nullable=True),
    sa.Column('name_es', sa.String(length=200), nullable=True),
    sa.Column('name_ru', sa.String(length=200), nullable=True),
    sa.Column('name_ar', sa.String(length=200), nullable=True),
    sa.Column('name_zh', sa.String(length=200), nullable=True),
    sa.Column('region_code', sa.String(length=3), nullable=True),
    sa.Column('subregion_code', sa.String(length=3), nullable=True),
    sa.Column('intermediate_region_code', sa.String(length=3), nullable=True),
    sa.Column('currency_code', sa.String(length=3), nullable=True),
    sa.Column('is_independent', sa.Boolean(), nullable=True),
    sa.PrimaryKeyConstraint('alpha3', name=op.f('pk_countries')),
    sa.UniqueConstraint('alpha2', name=op.f('uq_countries_alpha2'))
    )
    op.create_table('country_groups',
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('name_zh', sa.String(length=200), nullable=True),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('m49', sa.String(length=3), nullable=True),
    sa.Column('parent_code', sa.String(length=20), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['parent_code'], ['country_groups.code'], name=op.f('fk_country_groups_parent_code_country_groups')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_country_groups'))
    )
    op.create_table('sdg_goals',
    sa.Column('code', sa.String(length=2), nullable=False),
    sa.Column('title_en', sa.Text(), nullable=False),
    sa.Column('title_fr', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_sdg_goals'))
    )
    op.create_table('country_group_memberships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_code', sa.String(length=20), nullable=False),
    sa.Column('country_code', sa.String(length=3), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['country_code'], ['countries.alpha3'], name=op.f('fk_country_group_memberships_country_code_countries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['group_code'], ['country_groups.code'], name=op.f('fk_country_group_memberships_group_code_country_groups'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_country_group_memberships')),
    sa.UniqueConstraint('group_code', 'country_code', 'valid_from', name=op.f('uq_country_group_memberships_group_code_country_code_valid_from'))
    )
    with op.batch_alter_table('country_group_memberships', schema=None) as batch_op:
        batch_op.create_index('ix_country_group_memberships_country', ['country_code', 'group_code'], unique=False)

    op.create_table('sdg_targets',
    sa.Column('code', sa.String(length=6), nullable=False),
    sa.Column('goal_code', sa.String(length=2), nullable=False),
    sa.Column('title_en', sa.Text(), nullable=False),
    sa.Column('title_fr', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['goal_code'], ['sdg_goals.code'], name=op.f('fk_sdg_targets_goal_code_sdg_goals')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_sdg_targets'))
    )
    with op.batch_alter_table('sdg_targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sdg_targets_goal_code'), ['goal_code'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('sdg_targets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sdg_targets_goal_code'))

    op.drop_table('sdg_targets')
    with op.batch_alter_table('country_group_memberships', schema=None) as batch_op:
        batch_op.drop_index('ix_country_group_memberships_country')

    op.drop_table('country_group_memberships')
    op.drop_table('sdg_goals')
    op.drop_table('country_groups')
    op.drop_table('countries')
