"""delivery

Revision ID: 0010_delivery
Revises: 0008_service_recipient
Create Date: 2026-12-01 12:30:00

Delivery begins: each referral's budget (what was bought, booked and delivered, and its RAR days),
its appointments with their feedback, the distinct days it has sessions on, action plans, warnings
after unacceptable absences, case notes, group programmes (cohorts, their sessions and members),
and one history table for delivery's status changes.
"""
from alembic import op
import sqlalchemy as sa


revision = '0010_delivery'
down_revision = '0008_service_recipient'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('calendar_feeds',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_calendar_feeds_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_calendar_feeds')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_feeds_token_hash'))
    )
    op.create_table('groups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.String(length=16), nullable=False),
    sa.Column('service_id', sa.String(length=200), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('venue', sa.String(length=300), nullable=False),
    sa.Column('postcode', sa.String(length=10), nullable=True),
    sa.Column('slots', sa.JSON(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('sessions', sa.Integer(), nullable=False),
    sa.Column('session_minutes', sa.Integer(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('enrolled', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_groups_created_by_id_users')),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], name=op.f('fk_groups_provider_id_providers')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_groups_service_id_services')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_groups'))
    )
    with op.batch_alter_table('groups', schema=None) as batch_op:
        batch_op.create_index('ix_groups_provider_start', ['provider_id', 'start_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_groups_service_id'), ['service_id'], unique=False)

    op.create_table('group_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_group_sessions_group_id_groups'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_sessions')),
    sa.UniqueConstraint('group_id', 'number', name='uq_group_sessions_group_number')
    )
    op.create_table('action_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('activities', sa.JSON(), nullable=False),
    sa.Column('sessions', sa.Integer(), nullable=False),
    sa.Column('variation_reason', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_action_plans_created_by_id_users')),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_action_plans_referral_id_referrals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_plans')),
    sa.UniqueConstraint('referral_id', 'number', name='uq_action_plans_referral_number')
    )
    with op.batch_alter_table('action_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_plans_referral_id'), ['referral_id'], unique=False)

    op.create_table('appointments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('session_number', sa.Integer(), nullable=True),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('office', sa.String(length=200), nullable=True),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('postcode', sa.String(length=10), nullable=True),
    sa.Column('one_to_one', sa.Boolean(), nullable=False),
    sa.Column('group_session_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('booked_by_id', sa.Integer(), nullable=False),
    sa.Column('booked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('superseded_by_id', sa.Integer(), nullable=True),
    sa.Column('superseded_reason', sa.Text(), nullable=True),
    sa.Column('superseded_by_user_id', sa.Integer(), nullable=True),
    sa.Column('attended', sa.String(length=10), nullable=True),
    sa.Column('late_reason', sa.Text(), nullable=True),
    sa.Column('absence', sa.String(length=30), nullable=True),
    sa.Column('absence_detail', sa.Text(), nullable=True),
    sa.Column('session_summary', sa.Text(), nullable=True),
    sa.Column('session_response', sa.Text(), nullable=True),
    sa.Column('behaviour', sa.Text(), nullable=True),
    sa.Column('concerns', sa.Text(), nullable=True),
    sa.Column('notify_practitioner', sa.Boolean(), nullable=False),
    sa.Column('feedback_by_id', sa.Integer(), nullable=True),
    sa.Column('feedback_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['booked_by_id'], ['users.id'], name=op.f('fk_appointments_booked_by_id_users')),
    sa.ForeignKeyConstraint(['feedback_by_id'], ['users.id'], name=op.f('fk_appointments_feedback_by_id_users')),
    sa.ForeignKeyConstraint(['group_session_id'], ['group_sessions.id'], name=op.f('fk_appointments_group_session_id_group_sessions')),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_appointments_referral_id_referrals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['superseded_by_id'], ['appointments.id'], name=op.f('fk_appointments_superseded_by_id_appointments')),
    sa.ForeignKeyConstraint(['superseded_by_user_id'], ['users.id'], name=op.f('fk_appointments_superseded_by_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointments'))
    )
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appointments_group_session_id'), ['group_session_id'], unique=False)
        batch_op.create_index('ix_appointments_holding_start', ['starts_at'], unique=False, sqlite_where=sa.text("status IN ('booked', 'happened')"), postgresql_where=sa.text("status IN ('booked', 'happened')"))
        batch_op.create_index('ix_appointments_referral_start', ['referral_id', 'starts_at'], unique=False)

    op.create_table('case_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('written_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('emailed', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_case_notes_author_id_users')),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_case_notes_referral_id_referrals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_notes'))
    )
    with op.batch_alter_table('case_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_notes_referral_id'), ['referral_id'], unique=False)

    op.create_table('delivery_budgets',
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('sessions_bought', sa.Integer(), nullable=True),
    sa.Column('minutes_bought', sa.Integer(), nullable=True),
    sa.Column('sessions_extra', sa.Integer(), nullable=False),
    sa.Column('minutes_extra', sa.Integer(), nullable=False),
    sa.Column('sessions_booked', sa.Integer(), nullable=False),
    sa.Column('minutes_booked', sa.Integer(), nullable=False),
    sa.Column('sessions_attended', sa.Integer(), nullable=False),
    sa.Column('minutes_delivered', sa.Integer(), nullable=False),
    sa.Column('rar_days_max', sa.Integer(), nullable=True),
    sa.Column('rar_days_booked', sa.Integer(), nullable=False),
    sa.Column('rar_days_used', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_delivery_budgets_referral_id_referrals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('referral_id', name=op.f('pk_delivery_budgets'))
    )
    op.create_table('delivery_days',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('holding', sa.Integer(), nullable=False),
    sa.Column('attended', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_delivery_days_referral_id_referrals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_days')),
    sa.UniqueConstraint('referral_id', 'day', name='uq_delivery_days_referral_day')
    )
    op.create_table('delivery_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=20), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('by_user_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['by_user_id'], ['users.id'], name=op.f('fk_delivery_history_by_user_id_users')),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_delivery_history_referral_id_referrals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_history'))
    )
    with op.batch_alter_table('delivery_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delivery_history_referral_id'), ['referral_id'], unique=False)

    op.create_table('end_of_service_reports',
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('further_information', sa.Text(), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_end_of_service_reports_referral_id_referrals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_end_of_service_reports_submitted_by_id_users')),
    sa.PrimaryKeyConstraint('referral_id', name=op.f('pk_end_of_service_reports'))
    )
    op.create_table('group_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('enrolled_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('enrolled_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['enrolled_by_id'], ['users.id'], name=op.f('fk_group_members_enrolled_by_id_users')),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_group_members_group_id_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_group_members_referral_id_referrals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_members')),
    sa.UniqueConstraint('group_id', 'referral_id', name='uq_group_members_group_referral')
    )
    with op.batch_alter_table('group_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_members_referral_id'), ['referral_id'], unique=False)

    op.create_table('referral_outcomes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('text', sa.String(length=300), nullable=False),
    sa.Column('achievement', sa.String(length=20), nullable=True),
    sa.Column('comments', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_referral_outcomes_referral_id_referrals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_outcomes')),
    sa.UniqueConstraint('referral_id', 'code', name='uq_referral_outcomes_referral_code')
    )
    with op.batch_alter_table('referral_outcomes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_outcomes_referral_id'), ['referral_id'], unique=False)

    op.create_table('enforcement_warnings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('appointment_id', sa.Integer(), nullable=False),
    sa.Column('given_on', sa.Date(), nullable=False),
    sa.Column('given_by_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointments.id'], name=op.f('fk_enforcement_warnings_appointment_id_appointments')),
    sa.ForeignKeyConstraint(['given_by_id'], ['users.id'], name=op.f('fk_enforcement_warnings_given_by_id_users')),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_enforcement_warnings_referral_id_referrals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enforcement_warnings')),
    sa.UniqueConstraint('appointment_id', name=op.f('uq_enforcement_warnings_appointment_id'))
    )
    with op.batch_alter_table('enforcement_warnings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enforcement_warnings_referral_id'), ['referral_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('enforcement_warnings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enforcement_warnings_referral_id'))

    op.drop_table('enforcement_warnings')
    with op.batch_alter_table('referral_outcomes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_outcomes_referral_id'))

    op.drop_table('referral_outcomes')
    with op.batch_alter_table('group_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_members_referral_id'))

    op.drop_table('group_members')
    op.drop_table('end_of_service_reports')
    with op.batch_alter_table('delivery_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delivery_history_referral_id'))

    op.drop_table('delivery_history')
    op.drop_table('delivery_days')
    op.drop_table('delivery_budgets')
    with op.batch_alter_table('case_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_notes_referral_id'))

    op.drop_table('case_notes')
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.drop_index('ix_appointments_referral_start')
        batch_op.drop_index('ix_appointments_holding_start', sqlite_where=sa.text("status IN ('booked', 'happened')"), postgresql_where=sa.text("status IN ('booked', 'happened')"))
        batch_op.drop_index(batch_op.f('ix_appointments_group_session_id'))

    op.drop_table('appointments')
    with op.batch_alter_table('action_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_plans_referral_id'))

    op.drop_table('action_plans')
    op.drop_table('group_sessions')
    with op.batch_alter_table('groups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_groups_service_id'))
        batch_op.drop_index('ix_groups_provider_start')

    op.drop_table('groups')
    op.drop_table('calendar_feeds')
