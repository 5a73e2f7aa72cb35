"""history, inventory and needs

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 13:02:28.038565
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('mechanisms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('acronym', sa.String(length=40), nullable=True),
    sa.Column('kind', sa.Enum('un_body', 'fund', 'network', 'platform', 'programme', 'partnership', 'initiative', name='mechanism_kind', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('hosts', sa.JSON(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('website', sa.String(length=500), nullable=True),
    sa.Column('founded_year', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('active', 'closed', name='mechanism_status', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('budget_amount_minor', sa.BigInteger(), nullable=True),
    sa.Column('budget_currency', sa.String(length=3), nullable=True),
    sa.Column('budget_year', sa.Integer(), nullable=True),
    sa.Column('budget_note', sa.Text(), nullable=True),
    sa.Column('sources', sa.JSON(), nullable=False),
    sa.Column('last_verified_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('budget_amount_minor IS NULL OR budget_amount_minor >= 0', name=op.f('ck_mechanisms_budget_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mechanisms')),
    sa.UniqueConstraint('name', name=op.f('uq_mechanisms_name'))
    )
    with op.batch_alter_table('mechanisms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mechanisms_acronym'), ['acronym'], unique=False)

    op.create_table('technologies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.String(length=500), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('stage', sa.Enum('research', 'demonstration', 'market_formation', 'diffusion', name='stage', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('trl', sa.Integer(), nullable=True),
    sa.Column('mitigation_adaptation', sa.Enum('mitigation', 'adaptation', 'both', name='mitigation_adaptation', native_enum=False, create_constraint=True, length=30), nullable=True),
    sa.Column('availability', sa.Enum('public_domain', 'open_licence', 'available_for_licensing', 'proprietary', name='availability', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('licence_id', sa.String(length=100), nullable=True),
    sa.Column('provider', sa.String(length=200), nullable=True),
    sa.Column('links', sa.JSON(), nullable=False),
    sa.Column('last_verified_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('trl IS NULL OR (trl >= 1 AND trl <= 9)', name=op.f('ck_technologies_trl_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_technologies')),
    sa.UniqueConstraint('name', name=op.f('uq_technologies_name'))
    )
    op.create_table('mechanism_functions',
    sa.Column('mechanism_id', sa.Integer(), nullable=False),
    sa.Column('function', sa.Enum('knowledge_sharing', 'capacity_building', 'technical_assistance', 'finance', 'matchmaking', 'rd_cooperation', 'policy_advice', 'technology_assessment', 'ip_licensing', name='function', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.ForeignKeyConstraint(['mechanism_id'], ['mechanisms.id'], name=op.f('fk_mechanism_functions_mechanism_id_mechanisms'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('mechanism_id', 'function', name=op.f('pk_mechanism_functions'))
    )
    with op.batch_alter_table('mechanism_functions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mechanism_functions_function'), ['function'], unique=False)

    op.create_table('mechanism_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('link_type', sa.Enum('partner_of', 'funded_by', 'hosted_by', 'feeds_into', 'overlaps_with', name='link_type', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('source_id <> target_id', name=op.f('ck_mechanism_links_not_self')),
    sa.ForeignKeyConstraint(['source_id'], ['mechanisms.id'], name=op.f('fk_mechanism_links_source_id_mechanisms'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['target_id'], ['mechanisms.id'], name=op.f('fk_mechanism_links_target_id_mechanisms'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mechanism_links')),
    sa.UniqueConstraint('source_id', 'target_id', 'link_type', name=op.f('uq_mechanism_links_source_id_target_id_link_type'))
    )
    with op.batch_alter_table('mechanism_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mechanism_links_source_id'), ['source_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mechanism_links_target_id'), ['target_id'], unique=False)

    op.create_table('mechanism_scopes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mechanism_id', sa.Integer(), nullable=False),
    sa.Column('group_code', sa.String(length=20), nullable=True),
    sa.Column('country_code', sa.String(length=3), nullable=True),
    sa.CheckConstraint('(group_code IS NULL) <> (country_code IS NULL)', name=op.f('ck_mechanism_scopes_group_or_country')),
    sa.ForeignKeyConstraint(['country_code'], ['countries.alpha3'], name=op.f('fk_mechanism_scopes_country_code_countries')),
    sa.ForeignKeyConstraint(['group_code'], ['country_groups.code'], name=op.f('fk_mechanism_scopes_group_code_country_groups')),
    sa.ForeignKeyConstraint(['mechanism_id'], ['mechanisms.id'], name=op.f('fk_mechanism_scopes_mechanism_id_mechanisms'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mechanism_scopes')),
    sa.UniqueConstraint('mechanism_id', 'group_code', 'country_code', name=op.f('uq_mechanism_scopes_mechanism_id_group_code_country_code'))
    )
    with op.batch_alter_table('mechanism_scopes', schema=None) as batch_op:
        batch_op.create_index('ix_mechanism_scopes_country', ['country_code'], unique=False)
        batch_op.create_index('ix_mechanism_scopes_group', ['group_code'], unique=False)

    op.create_table('mechanism_sectors',
    sa.Column('mechanism_id', sa.Integer(), nullable=False),
    sa.Column('sector', sa.Enum('energy_supply', 'energy_efficiency', 'transport', 'buildings', 'industry', 'agriculture_forestry', 'water', 'waste_pollution', 'coastal_zones', 'health', 'biodiversity_ecosystems', 'disaster_risk_reduction', 'ict', name='sector', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.ForeignKeyConstraint(['mechanism_id'], ['mechanisms.id'], name=op.f('fk_mechanism_sectors_mechanism_id_mechanisms'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('mechanism_id', 'sector', name=op.f('pk_mechanism_sectors'))
    )
    with op.batch_alter_table('mechanism_sectors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mechanism_sectors_sector'), ['sector'], unique=False)

    op.create_table('mechanism_stages',
    sa.Column('mechanism_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.Enum('research', 'demonstration', 'market_formation', 'diffusion', name='stage', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.ForeignKeyConstraint(['mechanism_id'], ['mechanisms.id'], name=op.f('fk_mechanism_stages_mechanism_id_mechanisms'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('mechanism_id', 'stage', name=op.f('pk_mechanism_stages'))
    )
    with op.batch_alter_table('mechanism_stages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mechanism_stages_stage'), ['stage'], unique=False)

    op.create_table('needs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('country_code', sa.String(length=3), nullable=False),
    sa.Column('sector', sa.Enum('energy_supply', 'energy_efficiency', 'transport', 'buildings', 'industry', 'agriculture_forestry', 'water', 'waste_pollution', 'coastal_zones', 'health', 'biodiversity_ecosystems', 'disaster_risk_reduction', 'ict', name='sector', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('stage', sa.Enum('research', 'demonstration', 'market_formation', 'diffusion', name='stage', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('technology_id', sa.Integer(), nullable=True),
    sa.Column('technology_name', sa.String(length=200), nullable=True),
    sa.Column('mitigation_adaptation', sa.Enum('mitigation', 'adaptation', 'both', name='mitigation_adaptation', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('priority', sa.Enum('high', 'medium', 'low', name='priority', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('source_title', sa.String(length=300), nullable=True),
    sa.Column('source_url', sa.String(length=500), nullable=True),
    sa.Column('status', sa.Enum('open', 'addressed', name='need_status', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('dataset', sa.String(length=60), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['country_code'], ['countries.alpha3'], name=op.f('fk_needs_country_code_countries')),
    sa.ForeignKeyConstraint(['technology_id'], ['technologies.id'], name=op.f('fk_needs_technology_id_technologies'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_needs'))
    )
    with op.batch_alter_table('needs', schema=None) as batch_op:
        batch_op.create_index('ix_needs_cell', ['sector', 'stage'], unique=False)
        batch_op.create_index('ix_needs_country', ['country_code'], unique=False)

    op.create_table('revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity_type', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('changed_fields', sa.JSON(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_revisions_actor_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_revisions')),
    sa.UniqueConstraint('entity_type', 'entity_id', 'number', name=op.f('uq_revisions_entity_type_entity_id_number'))
    )
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.create_index('ix_revisions_entity', ['entity_type', 'entity_id'], unique=False)

    op.create_table('suggestions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity_type', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('base_revision', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('pending', 'accepted', 'rejected', name='suggestion_status', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('decided_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_suggestions_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_suggestions_decided_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suggestions'))
    )
    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_suggestions_status'), ['status'], unique=False)

    op.create_table('technology_countries',
    sa.Column('technology_id', sa.Integer(), nullable=False),
    sa.Column('country_code', sa.String(length=3), nullable=False),
    sa.ForeignKeyConstraint(['country_code'], ['countries.alpha3'], name=op.f('fk_technology_countries_country_code_countries')),
    sa.ForeignKeyConstraint(['technology_id'], ['technologies.id'], name=op.f('fk_technology_countries_technology_id_technologies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('technology_id', 'country_code', name=op.f('pk_technology_countries'))
    )
    op.create_table('technology_mechanisms',
    sa.Column('technology_id', sa.Integer(), nullable=False),
    sa.Column('mechanism_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['mechanism_id'], ['mechanisms.id'], name=op.f('fk_technology_mechanisms_mechanism_id_mechanisms'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['technology_id'], ['technologies.id'], name=op.f('fk_technology_mechanisms_technology_id_technologies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('technology_id', 'mechanism_id', name=op.f('pk_technology_mechanisms'))
    )
    op.create_table('technology_sectors',
    sa.Column('technology_id', sa.Integer(), nullable=False),
    sa.Column('sector', sa.Enum('energy_supply', 'energy_efficiency', 'transport', 'buildings', 'industry', 'agriculture_forestry', 'water', 'waste_pollution', 'coastal_zones', 'health', 'biodiversity_ecosystems', 'disaster_risk_reduction', 'ict', name='sector', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.ForeignKeyConstraint(['technology_id'], ['technologies.id'], name=op.f('fk_technology_sectors_technology_id_technologies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('technology_id', 'sector', name=op.f('pk_technology_sectors'))
    )


def downgrade() -> None:
    op.drop_table('technology_sectors')
    op.drop_table('technology_mechanisms')
    op.drop_table('technology_countries')
    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_suggestions_status'))

    op.drop_table('suggestions')
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.drop_index('ix_revisions_entity')

    op.drop_table('revisions')
    with op.batch_alter_table('needs', schema=None) as batch_op:
        batch_op.drop_index('ix_needs_country')
        batch_op.drop_index('ix_needs_cell')

    op.drop_table('needs')
    with op.batch_alter_table('mechanism_stages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mechanism_stages_stage'))

    op.drop_table('mechanism_stages')
    with op.batch_alter_table('mechanism_sectors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mechanism_sectors_sector'))

    op.drop_table('mechanism_sectors')
    with op.batch_alter_table('mechanism_scopes', schema=None) as batch_op:
        batch_op.drop_index('ix_mechanism_scopes_group')
        batch_op.drop_index('ix_mechanism_scopes_country')

    op.drop_table('mechanism_scopes')
    with op.batch_alter_table('mechanism_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mechanism_links_target_id'))
        batch_op.drop_index(batch_op.f('ix_mechanism_links_source_id'))

    op.drop_table('mechanism_links')
    with op.batch_alter_table('mechanism_functions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mechanism_functions_function'))

    op.drop_table('mechanism_functions')
    op.drop_table('technologies')
    with op.batch_alter_table('mechanisms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mechanisms_acronym'))

    op.drop_table('mechanisms')
