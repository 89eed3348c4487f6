"""dashboard indexes

Revision ID: 0004_dashboard_indexes
Revises: 0003_accounts_and_referrals
Create Date: 2026-11-22 12:40:00

Composite indexes for the referral dashboards (counts per status, newest first), replacing the
single-column region and provider indexes they begin with.
"""
from alembic import op


revision = '0004_dashboard_indexes'
down_revision = '0003_accounts_and_referrals'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index('ix_referrals_region_status_created', ['region', 'status', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_referrals_region_created', ['region', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_referrals_provider_status_created', ['provider_id', 'status', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_referrals_provider_created', ['provider_id', 'created_at', 'id'], unique=False)
        batch_op.drop_index('ix_referrals_region')
        batch_op.drop_index('ix_referrals_provider_id')


def downgrade() -> None:
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index('ix_referrals_provider_id', ['provider_id'], unique=False)
        batch_op.create_index('ix_referrals_region', ['region'], unique=False)
        batch_op.drop_index('ix_referrals_provider_created')
        batch_op.drop_index('ix_referrals_provider_status_created')
        batch_op.drop_index('ix_referrals_region_created')
        batch_op.drop_index('ix_referrals_region_status_created')
