"""prices

Revision ID: 0013_prices
Revises: 0012_scale
Create Date: 2026-12-01 15:29:12

Prices: providers' price lists (draft, published, superseded) with one entry per orderable option,
their history, the price snapshotted onto a referral at acceptance, the re-quoted differences of
approved variations, and the users' permission to manage their provider's price lists.
"""
from alembic import op
import sqlalchemy as sa


revision = '0013_prices'
down_revision = '0012_scale'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('price_lists',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('example', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('valid_to IS NULL OR valid_to >= valid_from', name=op.f('ck_price_lists_valid_period')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_price_lists_created_by_id_users')),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], name=op.f('fk_price_lists_provider_id_providers')),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_price_lists_published_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_price_lists'))
    )
    with op.batch_alter_table('price_lists', schema=None) as batch_op:
        batch_op.create_index('ix_price_lists_provider_status_from', ['provider_id', 'status', 'valid_from'], unique=False)

    op.create_table('price_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('price_list_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.String(length=200), nullable=False),
    sa.Column('option_id', sa.String(length=400), nullable=True),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('unit_price_pence', sa.Integer(), nullable=False),
    sa.Column('vat_rate', sa.String(length=20), nullable=False),
    sa.Column('minimum_units', sa.Numeric(precision=8, scale=2), nullable=True),
    sa.Column('charge_rule', sa.JSON(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.CheckConstraint('unit_price_pence >= 0', name=op.f('ck_price_entries_unit_price_not_negative')),
    sa.ForeignKeyConstraint(['option_id'], ['service_options.id'], name=op.f('fk_price_entries_option_id_service_options')),
    sa.ForeignKeyConstraint(['price_list_id'], ['price_lists.id'], name=op.f('fk_price_entries_price_list_id_price_lists'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_price_entries_service_id_services')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_price_entries')),
    sa.UniqueConstraint('price_list_id', 'service_id', 'option_id', name='uq_price_entries_list_service_option')
    )
    with op.batch_alter_table('price_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_price_entries_price_list_id'), ['price_list_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_price_entries_service_id'), ['service_id'], unique=False)

    op.create_table('price_list_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('price_list_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('by_user_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['by_user_id'], ['users.id'], name=op.f('fk_price_list_history_by_user_id_users')),
    sa.ForeignKeyConstraint(['price_list_id'], ['price_lists.id'], name=op.f('fk_price_list_history_price_list_id_price_lists'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_price_list_history'))
    )
    with op.batch_alter_table('price_list_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_price_list_history_price_list_id'), ['price_list_id'], unique=False)

    op.create_table('referral_prices',
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('price_list_id', sa.Integer(), nullable=False),
    sa.Column('price_entry_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.String(length=200), nullable=False),
    sa.Column('option_id', sa.String(length=400), nullable=True),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('unit_price_pence', sa.Integer(), nullable=False),
    sa.Column('vat_rate', sa.String(length=20), nullable=False),
    sa.Column('minimum_units', sa.Numeric(precision=8, scale=2), nullable=True),
    sa.Column('charge_rule', sa.JSON(), nullable=True),
    sa.Column('units_bought', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('snapshotted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['option_id'], ['service_options.id'], name=op.f('fk_referral_prices_option_id_service_options')),
    sa.ForeignKeyConstraint(['price_entry_id'], ['price_entries.id'], name=op.f('fk_referral_prices_price_entry_id_price_entries')),
    sa.ForeignKeyConstraint(['price_list_id'], ['price_lists.id'], name=op.f('fk_referral_prices_price_list_id_price_lists')),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_referral_prices_referral_id_referrals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_referral_prices_service_id_services')),
    sa.PrimaryKeyConstraint('referral_id', name=op.f('pk_referral_prices'))
    )
    with op.batch_alter_table('referral_prices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_prices_price_list_id'), ['price_list_id'], unique=False)

    op.create_table('price_variations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('action_plan_id', sa.Integer(), nullable=True),
    sa.Column('extra_units', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('net_pence', sa.Integer(), nullable=False),
    sa.Column('vat_pence', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['action_plan_id'], ['action_plans.id'], name=op.f('fk_price_variations_action_plan_id_action_plans'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_price_variations_approved_by_id_users')),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_price_variations_referral_id_referrals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_price_variations')),
    sa.UniqueConstraint('action_plan_id', name=op.f('uq_price_variations_action_plan_id'))
    )
    with op.batch_alter_table('price_variations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_price_variations_referral_id'), ['referral_id'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('can_manage_prices', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('can_manage_prices')

    with op.batch_alter_table('price_variations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_price_variations_referral_id'))

    op.drop_table('price_variations')
    with op.batch_alter_table('referral_prices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_prices_price_list_id'))

    op.drop_table('referral_prices')
    with op.batch_alter_table('price_list_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_price_list_history_price_list_id'))

    op.drop_table('price_list_history')
    with op.batch_alter_table('price_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_price_entries_service_id'))
        batch_op.drop_index(batch_op.f('ix_price_entries_price_list_id'))

    op.drop_table('price_entries')
    with op.batch_alter_table('price_lists', schema=None) as batch_op:
        batch_op.drop_index('ix_price_lists_provider_status_from')

    op.drop_table('price_lists')
