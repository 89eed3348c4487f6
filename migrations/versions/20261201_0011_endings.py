"""endings

Revision ID: 0011_endings
Revises: 0010_delivery
Create Date: 2026-12-01 14:52:08

How a referral ends: the reason code of each history row (data/referrals/reasons.yaml), and on each
referral the request to end it (who asked, when, the coded reason and its detail).
"""
from alembic import op
import sqlalchemy as sa


revision = '0011_endings'
down_revision = '0010_delivery'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('referral_history', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason_code', sa.String(length=40), nullable=True))

    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('end_requested_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('end_requested_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('end_reason_code', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('end_reason_detail', sa.Text(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_referrals_end_requested_by_id_users'), 'users', ['end_requested_by_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_referrals_end_requested_by_id_users'), type_='foreignkey')
        batch_op.drop_column('end_reason_detail')
        batch_op.drop_column('end_reason_code')
        batch_op.drop_column('end_requested_by_id')
        batch_op.drop_column('end_requested_at')

    with op.batch_alter_table('referral_history', schema=None) as batch_op:
        batch_op.drop_column('reason_code')

