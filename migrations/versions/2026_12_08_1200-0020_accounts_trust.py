"""accounts people can live with: proven email addresses, links sent by email (verification,
password reset, sign-in), an account's standing (suspended, banned), deletion, session idle
time, and login attempts counted per account and client

Accounts that existed before stay unproven: nobody ever followed a link to their address.
They can browse and prepare as before and are asked to confirm the address before they
register for a challenge or join a team. Tokens made without an expiry get one 90 days from
the upgrade.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-08 12:00:00
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.db import UTCDateTime

revision: str = '0020'
down_revision: str | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('users') as batch_op:
        batch_op.add_column(sa.Column('email_verified_at', UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('suspended_until', UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('banned_at', UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('standing_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('deleted_at', UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('notification_outbox') as batch_op:
        batch_op.add_column(sa.Column('to_address', sa.String(length=320), nullable=True))
    with op.batch_alter_table('user_sessions') as batch_op:
        batch_op.add_column(sa.Column('last_seen_at', UTCDateTime(timezone=True), nullable=True))
    op.create_index('ix_login_attempts_email_ip_at', 'login_attempts',
                    ['email_normalized', 'ip', 'attempted_at'])
    op.create_table(
        'account_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('purpose', sa.Enum('verify_email', 'reset_password', 'sign_in',
                                     name='link_purpose', native_enum=False, length=20,
                                     create_constraint=True), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('email', sa.String(length=320), nullable=True),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('expires_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('used_at', UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_account_links_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_account_links')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_account_links_token_hash')),
    )
    op.create_index('ix_account_links_user_purpose', 'account_links', ['user_id', 'purpose'])
    tokens = sa.table('api_tokens', sa.column('expires_at', UTCDateTime(timezone=True)))
    op.execute(tokens.update().where(tokens.c.expires_at.is_(None)).values(
        expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=90)))


def downgrade() -> None:
    op.drop_index('ix_account_links_user_purpose', table_name='account_links')
    op.drop_table('account_links')
    op.drop_index('ix_login_attempts_email_ip_at', table_name='login_attempts')
    with op.batch_alter_table('user_sessions') as batch_op:
        batch_op.drop_column('last_seen_at')
    with op.batch_alter_table('notification_outbox') as batch_op:
        batch_op.drop_column('to_address')
    with op.batch_alter_table('users') as batch_op:
        for column in ('deleted_at', 'standing_reason', 'banned_at', 'suspended_until',
                       'email_verified_at'):
            batch_op.drop_column(column)
