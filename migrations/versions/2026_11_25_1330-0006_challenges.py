"""challenges, their links, lifecycle transitions, Q&A, announcements, registrations; notification outbox

Revision ID: 0006
Revises: 0004
Create Date: 2026-11-25 13:30:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db


revision: str = '0006'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('challenges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'in_review', 'published', 'open', 'closed', 'judging', 'verification', 'awards_proposed', 'final', 'archived', 'cancelled', name='challenge_state', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.String(length=500), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('sponsor_organisation', sa.String(length=200), nullable=False),
    sa.Column('contact', sa.String(length=200), nullable=False),
    sa.Column('cover_image', sa.String(length=100), nullable=True),
    sa.Column('stage', sa.Enum('research', 'demonstration', 'market_formation', 'diffusion', name='stage', native_enum=False, create_constraint=True, length=30), nullable=True),
    sa.Column('opens_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('submissions_close_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('judging_ends_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('verification_closes_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('appeals_window_days', sa.Integer(), nullable=False),
    sa.Column('opens_on', sa.Date(), nullable=True),
    sa.Column('solver_kinds', sa.JSON(), nullable=False),
    sa.Column('team_min', sa.Integer(), nullable=True),
    sa.Column('team_max', sa.Integer(), nullable=True),
    sa.Column('exclude_sponsor_employees', sa.Boolean(), nullable=False),
    sa.Column('ip_terms', sa.Enum('no_transfer', 'non_exclusive_licence', 'open_licence', 'exclusive_licence', name='ip_terms', native_enum=False, create_constraint=True, length=30), nullable=True),
    sa.Column('ip_licence', sa.String(length=100), nullable=True),
    sa.Column('purse_amount_minor', sa.BigInteger(), nullable=True),
    sa.Column('purse_currency', sa.String(length=3), nullable=True),
    sa.Column('prize_rules', sa.JSON(), nullable=True),
    sa.Column('min_overall_score', sa.String(length=50), nullable=True),
    sa.Column('contract_json', sa.Text(), nullable=True),
    sa.Column('contract_sha256', sa.String(length=64), nullable=True),
    sa.Column('published_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('awards_proposed_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('review_note', sa.Text(), nullable=True),
    sa.Column('cancel_reason', sa.Text(), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('appeals_window_days >= 0', name=op.f('ck_challenges_appeals_not_negative')),
    sa.CheckConstraint('purse_amount_minor IS NULL OR purse_amount_minor >= 0', name=op.f('ck_challenges_purse_not_negative')),
    sa.CheckConstraint('team_max IS NULL OR team_min IS NULL OR team_max >= team_min', name=op.f('ck_challenges_team_range')),
    sa.CheckConstraint('team_min IS NULL OR team_min >= 1', name=op.f('ck_challenges_team_min_positive')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_challenges_owner_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_challenges'))
    )
    with op.batch_alter_table('challenges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_challenges_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index('ix_challenges_state_close', ['state', 'submissions_close_at'], unique=False)

    op.create_table('notification_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=60), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['recipient_id'], ['users.id'], name=op.f('fk_notification_outbox_recipient_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_outbox'))
    )
    with op.batch_alter_table('notification_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_notification_outbox_pending', ['sent_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_outbox_recipient_id'), ['recipient_id'], unique=False)

    op.create_table('challenge_announcements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_challenge_announcements_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_challenge_announcements_challenge_id_challenges'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_challenge_announcements'))
    )
    with op.batch_alter_table('challenge_announcements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_challenge_announcements_challenge_id'), ['challenge_id'], unique=False)

    op.create_table('challenge_criteria',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('weight', sa.String(length=50), nullable=False),
    sa.Column('min_score', sa.String(length=50), nullable=True),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_challenge_criteria_challenge_id_challenges'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_challenge_criteria'))
    )
    with op.batch_alter_table('challenge_criteria', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_challenge_criteria_challenge_id'), ['challenge_id'], unique=False)

    op.create_table('challenge_mechanisms',
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('mechanism_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('sponsor', 'partner', 'scale_up_support', name='mechanism_role', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_challenge_mechanisms_challenge_id_challenges'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mechanism_id'], ['mechanisms.id'], name=op.f('fk_challenge_mechanisms_mechanism_id_mechanisms'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('challenge_id', 'mechanism_id', name=op.f('pk_challenge_mechanisms'))
    )
    with op.batch_alter_table('challenge_mechanisms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_challenge_mechanisms_mechanism_id'), ['mechanism_id'], unique=False)

    op.create_table('challenge_needs',
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('need_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_challenge_needs_challenge_id_challenges'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['need_id'], ['needs.id'], name=op.f('fk_challenge_needs_need_id_needs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('challenge_id', 'need_id', name=op.f('pk_challenge_needs'))
    )
    with op.batch_alter_table('challenge_needs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_challenge_needs_need_id'), ['need_id'], unique=False)

    op.create_table('challenge_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('asker_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_challenge_questions_answered_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['asker_id'], ['users.id'], name=op.f('fk_challenge_questions_asker_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_challenge_questions_challenge_id_challenges'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_challenge_questions'))
    )
    with op.batch_alter_table('challenge_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_challenge_questions_challenge_id'), ['challenge_id'], unique=False)

    op.create_table('challenge_registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('solver_kind', sa.Enum('individual', 'team', 'organisation', name='solver_kind', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('team_size', sa.Integer(), nullable=True),
    sa.Column('team_name', sa.String(length=200), nullable=True),
    sa.Column('country_code', sa.String(length=3), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('team_size IS NULL OR team_size >= 1', name=op.f('ck_challenge_registrations_team_size_positive')),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_challenge_registrations_challenge_id_challenges'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['country_code'], ['countries.alpha3'], name=op.f('fk_challenge_registrations_country_code_countries')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_challenge_registrations_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_challenge_registrations')),
    sa.UniqueConstraint('challenge_id', 'user_id', name=op.f('uq_challenge_registrations_challenge_id_user_id'))
    )
    with op.batch_alter_table('challenge_registrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_challenge_registrations_challenge_id'), ['challenge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_challenge_registrations_user_id'), ['user_id'], unique=False)

    op.create_table('challenge_scopes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('group_code', sa.String(length=20), nullable=True),
    sa.Column('country_code', sa.String(length=3), nullable=True),
    sa.CheckConstraint('(group_code IS NULL) <> (country_code IS NULL)', name=op.f('ck_challenge_scopes_group_or_country')),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_challenge_scopes_challenge_id_challenges'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['country_code'], ['countries.alpha3'], name=op.f('fk_challenge_scopes_country_code_countries')),
    sa.ForeignKeyConstraint(['group_code'], ['country_groups.code'], name=op.f('fk_challenge_scopes_group_code_country_groups')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_challenge_scopes')),
    sa.UniqueConstraint('challenge_id', 'group_code', 'country_code', name=op.f('uq_challenge_scopes_challenge_id_group_code_country_code'))
    )
    with op.batch_alter_table('challenge_scopes', schema=None) as batch_op:
        batch_op.create_index('ix_challenge_scopes_country', ['country_code'], unique=False)
        batch_op.create_index('ix_challenge_scopes_group', ['group_code'], unique=False)

    op.create_table('challenge_sdg_targets',
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('target_code', sa.String(length=6), nullable=False),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_challenge_sdg_targets_challenge_id_challenges'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['target_code'], ['sdg_targets.code'], name=op.f('fk_challenge_sdg_targets_target_code_sdg_targets')),
    sa.PrimaryKeyConstraint('challenge_id', 'target_code', name=op.f('pk_challenge_sdg_targets'))
    )
    with op.batch_alter_table('challenge_sdg_targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_challenge_sdg_targets_target_code'), ['target_code'], unique=False)

    op.create_table('challenge_sectors',
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('sector', sa.Enum('energy_supply', 'energy_efficiency', 'transport', 'buildings', 'industry', 'agriculture_forestry', 'water', 'waste_pollution', 'coastal_zones', 'health', 'biodiversity_ecosystems', 'disaster_risk_reduction', 'ict', name='sector', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_challenge_sectors_challenge_id_challenges'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('challenge_id', 'sector', name=op.f('pk_challenge_sectors'))
    )
    with op.batch_alter_table('challenge_sectors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_challenge_sectors_sector'), ['sector'], unique=False)

    op.create_table('challenge_targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('metric', sa.String(length=200), nullable=False),
    sa.Column('unit', sa.String(length=60), nullable=False),
    sa.Column('direction', sa.Enum('at_least', 'at_most', name='target_direction', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('threshold', sa.String(length=50), nullable=False),
    sa.Column('baseline', sa.String(length=50), nullable=True),
    sa.Column('verification_method', sa.Text(), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_challenge_targets_challenge_id_challenges'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_challenge_targets')),
    sa.UniqueConstraint('challenge_id', 'key', name=op.f('uq_challenge_targets_challenge_id_key'))
    )
    with op.batch_alter_table('challenge_targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_challenge_targets_challenge_id'), ['challenge_id'], unique=False)

    op.create_table('challenge_transitions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('from_state', sa.Enum('draft', 'in_review', 'published', 'open', 'closed', 'judging', 'verification', 'awards_proposed', 'final', 'archived', 'cancelled', name='from_state', native_enum=False, create_constraint=True, length=30), nullable=True),
    sa.Column('to_state', sa.Enum('draft', 'in_review', 'published', 'open', 'closed', 'judging', 'verification', 'awards_proposed', 'final', 'archived', 'cancelled', name='to_state', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_challenge_transitions_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_challenge_transitions_challenge_id_challenges'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_challenge_transitions'))
    )
    with op.batch_alter_table('challenge_transitions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_challenge_transitions_challenge_id'), ['challenge_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('challenge_transitions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_challenge_transitions_challenge_id'))

    op.drop_table('challenge_transitions')
    with op.batch_alter_table('challenge_targets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_challenge_targets_challenge_id'))

    op.drop_table('challenge_targets')
    with op.batch_alter_table('challenge_sectors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_challenge_sectors_sector'))

    op.drop_table('challenge_sectors')
    with op.batch_alter_table('challenge_sdg_targets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_challenge_sdg_targets_target_code'))

    op.drop_table('challenge_sdg_targets')
    with op.batch_alter_table('challenge_scopes', schema=None) as batch_op:
        batch_op.drop_index('ix_challenge_scopes_group')
        batch_op.drop_index('ix_challenge_scopes_country')

    op.drop_table('challenge_scopes')
    with op.batch_alter_table('challenge_registrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_challenge_registrations_user_id'))
        batch_op.drop_index(batch_op.f('ix_challenge_registrations_challenge_id'))

    op.drop_table('challenge_registrations')
    with op.batch_alter_table('challenge_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_challenge_questions_challenge_id'))

    op.drop_table('challenge_questions')
    with op.batch_alter_table('challenge_needs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_challenge_needs_need_id'))

    op.drop_table('challenge_needs')
    with op.batch_alter_table('challenge_mechanisms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_challenge_mechanisms_mechanism_id'))

    op.drop_table('challenge_mechanisms')
    with op.batch_alter_table('challenge_criteria', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_challenge_criteria_challenge_id'))

    op.drop_table('challenge_criteria')
    with op.batch_alter_table('challenge_announcements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_challenge_announcements_challenge_id'))

    op.drop_table('challenge_announcements')
    with op.batch_alter_table('notification_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_outbox_recipient_id'))
        batch_op.drop_index('ix_notification_outbox_pending')

    op.drop_table('notification_outbox')
    with op.batch_alter_table('challenges', schema=None) as batch_op:
        batch_op.drop_index('ix_challenges_state_close')
        batch_op.drop_index(batch_op.f('ix_challenges_owner_id'))

    op.drop_table('challenges')
