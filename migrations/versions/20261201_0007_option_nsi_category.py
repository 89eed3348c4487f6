"""option nsi category

Revision ID: 0007_option_nsi_category
Revises: 0006_people_region_throttle
Create Date: 2026-12-01 11:00:00

Each orderable option keeps the NSI main category it is bought under, because one service may
print its sub type under several main categories. Existing rows are left empty (meaning the
service's category, as before) rather than guessed: the next import fills them in.
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_option_nsi_category'
down_revision = '0006_people_region_throttle'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('service_options', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nsi_category', sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('service_options', schema=None) as batch_op:
        batch_op.drop_column('nsi_category')
