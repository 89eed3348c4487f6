"""Eligibility rules on services; provider offices.

Revision ID: 0002_rules_and_offices
Revises: 0001_catalogue
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa

revision = "0002_rules_and_offices"
down_revision = "0001_catalogue"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("services") as batch:
        batch.add_column(sa.Column("rules", sa.JSON(), nullable=False, server_default="[]"))
    with op.batch_alter_table("providers") as batch:
        batch.add_column(sa.Column("offices", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("providers") as batch:
        batch.drop_column("offices")
    with op.batch_alter_table("services") as batch:
        batch.drop_column("rules")
