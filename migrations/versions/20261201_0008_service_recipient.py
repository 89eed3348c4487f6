"""service recipient

Revision ID: 0008_service_recipient
Revises: 0007_option_nsi_category
Create Date: 2026-12-01 12:00:00

Some services are for someone other than the person on probation (a Partner Link Worker supports
the partner or ex-partner, a family course the family). The column says whom; empty means the
person on probation, which is what every existing row is until the next import.
"""
from alembic import op
import sqlalchemy as sa


revision = '0008_service_recipient'
down_revision = '0007_option_nsi_category'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recipient', sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.drop_column('recipient')
