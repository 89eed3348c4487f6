"""withdrawn options

Revision ID: 0005_withdrawn_options
Revises: 0004_dashboard_indexes
Create Date: 2026-12-01 09:00:00

Options a re-import no longer finds are marked withdrawn instead of deleted, because referrals
point at them.
"""
from alembic import op
import sqlalchemy as sa


revision = '0005_withdrawn_options'
down_revision = '0004_dashboard_indexes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('service_options', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('service_options', schema=None) as batch_op:
        batch_op.drop_column('withdrawn_at')
